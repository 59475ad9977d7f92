-- The DAG processor: DAGs are loaded from a bundle (the classpath, or a dags folder) by a child
-- process and stored serialized, so that everything that only shows or operates on DAGs reads
-- these rows and never loads DAG code (Airflow's serialized_dag and dag_bundle).

create table dag_bundle (
    name              text primary key,
    last_processed_at timestamptz not null default now(),
    version           bigint      not null default 0
);

alter table dag add column bundle text;
alter table dag add column dag_hash text;
alter table import_error add column bundle text;

-- one row per version of a DAG (a content hash of its serialized form)
create table serialized_dag (
    dag_id     text        not null references dag (dag_id) on delete cascade,
    dag_hash   text        not null,
    data       jsonb       not null,
    created_at timestamptz not null default now(),
    primary key (dag_id, dag_hash)
);
