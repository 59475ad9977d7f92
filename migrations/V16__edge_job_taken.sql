-- A report the edge executor handed to its scheduler stays, as 'taken', until the try's end is
-- recorded (the task instance moves on): a scheduler killed in between leaves it for the
-- scheduler that adopts its tries, which hands it over again instead of running the try again.
alter table edge_job drop constraint edge_job_state_check;
alter table edge_job add constraint edge_job_state_check check (state in ('queued', 'running', 'reported', 'taken'));
create index edge_job_taken on edge_job (owner) where state = 'taken';
