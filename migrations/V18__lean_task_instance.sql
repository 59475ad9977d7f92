-- Fewer writes per task state change (the scheduler's hot path).
--
-- task_instance had four partial indexes whose predicates all involve state, so every state
-- change was a non-HOT update that added entries to each index whose predicate held. Every
-- query that filters task instances by state asks for live tries (queued, running, restarting):
-- one partial index serves them all (the live set is at most the executor slots).
drop index task_instance_active;
drop index task_instance_pool;
drop index task_instance_running;
drop index task_instance_unfinished;
create index task_instance_live on task_instance (scheduler_id) where state in ('queued', 'running', 'restarting');

-- A log or XCom row checked its task instance with a row lock (a WAL record) per row written;
-- the scheduler writes them only for task instances it has just ended. Deleting a run deletes
-- them explicitly (JooqDagRuns.delete).
alter table task_log drop constraint task_log_dag_id_run_id_task_id_fkey;
alter table xcom drop constraint xcom_dag_id_run_id_task_id_fkey;
