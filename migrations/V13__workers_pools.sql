-- Remote workers, queues and pools (Airflow's edge worker and slot pools).
--
-- pool: named slot counts; a try takes pool_slots of its task's pool while queued or running,
-- across all schedulers and workers. default_pool has 128 slots, as in Airflow.
create table pool (
    name        text primary key,
    slots       integer not null check (slots >= 0),
    description text not null default ''
);
insert into pool (name, slots, description) values ('default_pool', 128, 'Default pool');

-- the queue and pool a try was started with (set when it starts; the pool counts it until it ends)
alter table task_instance add column queue text not null default 'default';
alter table task_instance add column pool text not null default 'default_pool';
alter table task_instance add column pool_slots integer not null default 1;
create index task_instance_pool on task_instance (pool) where state in ('queued', 'running');

-- a try handed to the edge executor: queued until a worker claims it, running on that worker,
-- reported when the worker sent its end (the report, a TaskEvent as JSON, waits for the executor
-- that owns the row to hand it to its scheduler).
create table edge_job (
    dag_id      text not null,
    run_id      text not null,
    task_id     text not null,
    try_number  integer not null,
    max_tries   integer not null,
    queue       text not null,
    owner       text not null,
    state       text not null check (state in ('queued', 'running', 'reported')),
    workload    text not null,
    worker      text,
    queued_at   timestamptz not null,
    claimed_at  timestamptz,
    report      text,
    primary key (dag_id, run_id, task_id, try_number)
);
create index edge_job_queued on edge_job (queue, queued_at) where state = 'queued';
create index edge_job_owner on edge_job (owner, state);
create index edge_job_worker on edge_job (worker) where state = 'running';

create table edge_worker (
    name           text primary key,
    queues         text not null,
    state          text not null check (state in ('running', 'lost', 'stopped')),
    concurrency    integer not null,
    running        integer not null,
    first_seen     timestamptz not null,
    last_heartbeat timestamptz not null
);

-- worker tokens: only a SHA-256 hash of each is kept (the token is shown once)
create table worker_token (
    name       text primary key,
    token_hash text not null unique,
    created_at timestamptz not null,
    revoked_at timestamptz
);
