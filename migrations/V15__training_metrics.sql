-- Training curves: the metrics a training task reports as each epoch finishes (loss, validation
-- NDCG@100, whatever else the trainer reports, and the epoch's seconds), per try of the task
-- instance. A model version names the DAG run that produced it (model_version.dag_id/run_id), so
-- its curve is the run's rows. A retried epoch (same try) replaces its row.

create table training_metric (
    dag_id      text             not null,
    run_id      text             not null,
    task_id     text             not null,
    try_number  integer          not null,
    epoch       integer          not null,
    seconds     double precision,
    metrics     jsonb            not null default '{}',
    recorded_at timestamptz      not null default now(),
    primary key (dag_id, run_id, task_id, try_number, epoch)
);
