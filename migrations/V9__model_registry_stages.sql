-- The model registry grown up: stage is what serving reads (at most one production version per
-- name; promoting archives the previous one), plus the params, the DAG run that produced a
-- version, the artifact's SHA-256, when it became production and when it was rolled back.

alter table model_version
    add column params         jsonb not null default '{}',
    add column dag_id         text,
    add column run_id         text,
    add column sha256         text,
    add column promoted_at    timestamptz,
    add column rolled_back_at timestamptz;

update model_version set stage = 'production', promoted_at = created_at where is_current;

drop index model_version_one_current;
alter table model_version drop column is_current;

create unique index model_version_one_production on model_version (name) where stage = 'production';
