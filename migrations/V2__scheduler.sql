-- The scheduler: the next automated run of each DAG (as Airflow's dag.next_dagrun*), tracked
-- backfills, and scheduler processes with heartbeats so that orphaned tasks can be found.

alter table dag
    add column schedule_signature              text,
    add column next_dagrun                     timestamptz,
    add column next_dagrun_data_interval_start timestamptz,
    add column next_dagrun_data_interval_end   timestamptz,
    add column next_dagrun_create_after        timestamptz;

create table scheduler_job (
    id               bigserial primary key,
    hostname         text        not null,
    pid              integer     not null,
    started_at       timestamptz not null default now(),
    latest_heartbeat timestamptz not null default now(),
    state            text        not null default 'running' check (state in ('running', 'success', 'failed'))
);

create table backfill (
    id                 bigserial primary key,
    dag_id             text        not null references dag (dag_id) on delete cascade,
    from_date          timestamptz not null,
    to_date            timestamptz not null,
    run_backwards      boolean     not null default false,
    reset_dagruns      boolean     not null default false,
    rerun_failed_tasks boolean     not null default false,
    max_active_runs    integer     not null,
    conf               jsonb       not null default '{}',
    state              text        not null default 'running' check (state in ('running', 'completed', 'cancelled')),
    total_runs         integer     not null,
    created_at         timestamptz not null default now(),
    completed_at       timestamptz
);

alter table dag_run add column backfill_id bigint references backfill (id) on delete set null;
create index dag_run_backfill on dag_run (backfill_id) where backfill_id is not null;

alter table task_instance add column scheduler_id bigint;
create index task_instance_running on task_instance (scheduler_id) where state = 'running';
