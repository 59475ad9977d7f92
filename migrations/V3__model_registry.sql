-- The model registry: numbered versions per model name, at most one current version per name.
-- stage and storage_uri are for the later upload/serving steps (Cloud Storage, model server).

create table model_version (
    id                  bigserial primary key,
    name                text             not null,
    version             integer          not null,
    score               double precision not null,
    metrics             jsonb            not null default '{}',
    artifact_uri        text             not null,
    storage_uri         text,
    data_interval_start timestamptz,
    data_interval_end   timestamptz,
    created_at          timestamptz      not null default now(),
    stage               text             not null default 'none' check (stage in ('none', 'production', 'archived')),
    is_current          boolean          not null default false,
    unique (name, version)
);

create unique index model_version_one_current on model_version (name) where is_current;
