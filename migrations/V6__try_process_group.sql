-- Where a try's processes run: besides the host, pid and scheduler job recorded at start, the
-- process group its operator started (a Bash command's session). A scheduler that takes over a
-- lost try on the same machine kills what is left of that group before the retry starts.

alter table task_instance add column process_group bigint;
