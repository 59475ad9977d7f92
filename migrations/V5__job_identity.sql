-- A scheduler (and later a worker) is known by a UUID and by the machine boot and process start
-- time of its process: a process is judged gone at once only when it ran on this very machine
-- boot, never by host name alone (two machines may share a name; a pid may be reused).

alter table scheduler_job
    add column job_uuid           uuid,
    add column machine_id         text,
    add column process_started_at timestamptz;
update scheduler_job set job_uuid = gen_random_uuid() where job_uuid is null;
alter table scheduler_job alter column job_uuid set not null;
alter table scheduler_job add constraint scheduler_job_uuid unique (job_uuid);
