-- Gale's metadata schema. Names and states follow Airflow's (airflow/models).

create table dag (
    dag_id          text primary key,
    is_paused       boolean     not null default true,
    is_active       boolean     not null default true,
    description     text,
    schedule        text,
    timezone        text        not null default 'UTC',
    tags            text[]      not null default '{}',
    fileloc         text,
    max_active_runs integer     not null default 16,
    max_active_tasks integer    not null default 16,
    last_parsed_at  timestamptz not null default now()
);

create table dag_run (
    id                  bigserial primary key,
    dag_id              text        not null references dag (dag_id) on delete cascade,
    run_id              text        not null,
    run_type            text        not null check (run_type in ('manual', 'scheduled', 'backfill')),
    logical_date        timestamptz not null,
    data_interval_start timestamptz not null,
    data_interval_end   timestamptz not null,
    state               text        not null check (state in ('queued', 'running', 'success', 'failed')),
    conf                jsonb       not null default '{}',
    queued_at           timestamptz not null default now(),
    start_date          timestamptz,
    end_date            timestamptz,
    unique (dag_id, run_id),
    unique (dag_id, logical_date)
);
create index dag_run_active on dag_run (state) where state in ('queued', 'running');

create table task_instance (
    dag_id        text             not null,
    run_id        text             not null,
    task_id       text             not null,
    state         text             not null default 'none' check (state in (
                      'none', 'scheduled', 'queued', 'running', 'success', 'failed', 'up_for_retry',
                      'upstream_failed', 'skipped', 'removed', 'restarting')),
    try_number    integer          not null default 0,
    max_tries     integer          not null default 1,
    operator      text,
    start_date    timestamptz,
    end_date      timestamptz,
    duration      double precision,
    hostname      text,
    pid           integer,
    queued_at     timestamptz,
    next_retry_at timestamptz,
    heartbeat_at  timestamptz,
    primary key (dag_id, run_id, task_id),
    foreign key (dag_id, run_id) references dag_run (dag_id, run_id) on delete cascade
);
create index task_instance_unfinished on task_instance (state)
    where state in ('none', 'scheduled', 'queued', 'running', 'up_for_retry', 'restarting');

create table task_log (
    dag_id     text        not null,
    run_id     text        not null,
    task_id    text        not null,
    try_number integer     not null,
    content    text        not null default '',
    updated_at timestamptz not null default now(),
    primary key (dag_id, run_id, task_id, try_number),
    foreign key (dag_id, run_id, task_id) references task_instance (dag_id, run_id, task_id) on delete cascade
);

create table xcom (
    dag_id    text        not null,
    run_id    text        not null,
    task_id   text        not null,
    key       text        not null,
    value     jsonb       not null,
    timestamp timestamptz not null default now(),
    primary key (dag_id, run_id, task_id, key),
    foreign key (dag_id, run_id, task_id) references task_instance (dag_id, run_id, task_id) on delete cascade
);

create table import_error (
    filename  text primary key,
    message   text        not null,
    timestamp timestamptz not null default now()
);

create table connection (
    conn_id     text primary key,
    conn_type   text not null,
    description text,
    host        text,
    schema      text,
    login       text,
    password    text,
    port        integer,
    extra       jsonb not null default '{}'
);

create table variable (
    key         text primary key,
    val         text not null,
    description text
);
