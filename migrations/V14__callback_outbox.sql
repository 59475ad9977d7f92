-- Task callbacks (on_success, on_retry, on_failure) to deliver: a row is written in the same
-- transaction as the state change that calls for it, and a scheduler delivers it later. Claims
-- take due rows FOR UPDATE SKIP LOCKED and hold them with a lease (the claiming scheduler job and
-- until when), so two schedulers never run one row at once; a lease that expires, or whose
-- scheduler was judged dead, is claimed again. A row ends delivered, or failed after its attempts.

create table callback_outbox (
    id              bigserial primary key,
    dag_id          text        not null,
    run_id          text        not null,
    task_id         text        not null,
    try_number      integer     not null,
    kind            text        not null check (kind in ('on_success', 'on_retry', 'on_failure')),
    state           text        not null,
    error           text,
    created_at      timestamptz not null,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    lease_owner     bigint,
    lease_until     timestamptz,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    last_error      text,
    unique (dag_id, run_id, task_id, try_number, kind),
    foreign key (dag_id, run_id, task_id) references task_instance (dag_id, run_id, task_id) on delete cascade
);
create index callback_outbox_pending on callback_outbox (next_attempt_at)
    where delivered_at is null and failed_at is null;
