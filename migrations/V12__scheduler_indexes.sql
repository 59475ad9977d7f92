-- Indexes for the scheduler's hot queries when many runs wait (a backfill of thousands):
-- the oldest queued runs of a DAG and backfill, in id order (a limit stops after a few rows), and
-- whether a backfill still has queued runs; and the running and queued task instances per DAG
-- (max_active_tasks), apart from the many not yet started.

create index dag_run_queued on dag_run (backfill_id, dag_id, id) where state = 'queued';
create index task_instance_active on task_instance (dag_id) where state in ('queued', 'running');
