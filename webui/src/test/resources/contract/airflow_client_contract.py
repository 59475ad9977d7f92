"""Drives a running Gale web server with Apache Airflow's official Python client, unchanged.

Usage: python3 airflow_client_contract.py URL USERNAME PASSWORD
(PYTHONPATH must hold ../shared/vendor/airflow-client-python). Every call goes through the
client's pydantic models, so a response that does not match Airflow's OpenAPI document fails.
Prints one "ok: ..." line per step; exits 1 with the reason on the first failure.
"""
import json
import sys
import time
import urllib.request
from datetime import datetime, timezone

import airflow_client.client as af
from airflow_client.client.api import backfill_api, dag_api, dag_run_api, task_api, task_instance_api, x_com_api
from airflow_client.client.api import import_error_api, monitor_api, version_api
from airflow_client.client.models.backfill_post_body import BackfillPostBody
from airflow_client.client.models.clear_task_instances_body import ClearTaskInstancesBody
from airflow_client.client.models.clear_task_instances_body_task_ids_inner import ClearTaskInstancesBodyTaskIdsInner
from airflow_client.client.models.dag_patch_body import DAGPatchBody
from airflow_client.client.models.trigger_dag_run_post_body import TriggerDAGRunPostBody

DAG = "example_trigger_rules"


def token(url, username, password):
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(url + "/auth/token", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201, response.status
        return json.load(response)["access_token"]


def ok(message):
    print("ok: " + message, flush=True)


def main(url, username, password):
    cfg = af.Configuration(host=url, access_token=token(url, username, password))
    ok("token from /auth/token")
    with af.ApiClient(cfg) as api:
        version = version_api.VersionApi(api).get_version()
        ok("version " + version.version)
        health = monitor_api.MonitorApi(api).get_health()
        ok("health: metadatabase " + str(health.metadatabase.status))

        dags = dag_api.DAGApi(api)
        listed = dags.get_dags(limit=100)
        ids = [d.dag_id for d in listed.dags]
        assert DAG in ids and "example_pipeline" in ids, ids
        assert listed.total_entries == len(ids), (listed.total_entries, ids)
        ok("get_dags: " + ", ".join(ids))
        tagged = dags.get_dags(tags=["example"], dag_id_pattern="trigger")
        assert [d.dag_id for d in tagged.dags] == [DAG], tagged
        ok("get_dags with tags and dag_id_pattern")

        patched = dags.patch_dag(DAG, DAGPatchBody(is_paused=False))
        assert patched.is_paused is False, patched
        assert dags.get_dag(DAG).is_paused is False
        ok("patch_dag: unpaused " + DAG)
        details = dags.get_dag_details(DAG)
        assert details.dag_id == DAG and details.timezone, details
        ok("get_dag_details: timezone " + details.timezone)
        tasks = task_api.TaskApi(api).get_tasks(DAG)
        task_ids = [t.task_id for t in tasks.tasks]
        assert "join_one_success" in task_ids and "cleanup" in task_ids, task_ids
        ok("get_tasks: %d tasks" % tasks.total_entries)

        runs = dag_run_api.DagRunApi(api)
        run_id = "contract_" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        triggered = runs.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id=run_id, conf={"who": "airflow-client"}))
        assert triggered.dag_run_id == run_id and triggered.conf == {"who": "airflow-client"}, triggered
        ok("trigger_dag_run with conf: " + run_id)
        deadline = time.time() + 90
        while True:
            run = runs.get_dag_run(DAG, run_id)
            if run.state.value in ("success", "failed") or time.time() > deadline:
                break
            time.sleep(0.5)
        assert run.state.value == "success", "run ended %s (or timed out)" % run.state.value
        ok("get_dag_run: success after polling")
        listed_runs = runs.get_dag_runs(DAG, limit=10)
        assert run_id in [r.dag_run_id for r in listed_runs.dag_runs], listed_runs
        ok("get_dag_runs")

        tis = task_instance_api.TaskInstanceApi(api)
        instances = tis.get_task_instances(DAG, run_id)
        states = {t.task_id: (t.state.value if t.state else None) for t in instances.task_instances}
        assert states["branch_fail"] == "failed" and states["cleanup"] == "success", states
        assert states["join_all_success"] == "upstream_failed", states
        ok("get_task_instances: %d, e.g. branch_fail %s" % (instances.total_entries, states["branch_fail"]))
        ti = tis.get_task_instance(DAG, run_id, "join_one_success")
        assert ti.try_number == 1, ti
        tries = tis.get_task_instance_tries(DAG, run_id, "join_one_success")
        assert tries.total_entries >= 1, tries
        ok("get_task_instance and tries")

        log = tis.get_log(DAG, run_id, "join_one_success", 1)
        content = log.content.actual_instance
        lines = [(m.event if hasattr(m, "event") else m) for m in content]
        assert lines, "empty log"
        ok("get_log: %d lines" % len(lines))

        xcoms = x_com_api.XComApi(api)
        entries = xcoms.get_xcom_entries(DAG, run_id, "join_one_success")
        assert "return_value" in [e.key for e in entries.xcom_entries], entries
        value = xcoms.get_xcom_entry(DAG, "join_one_success", run_id, "return_value")
        native = value.actual_instance
        assert native.value == 42, native
        ok("get_xcom_entry: return_value = %r" % native.value)

        cleared = tis.post_clear_task_instances(DAG, ClearTaskInstancesBody(
            dag_run_id=run_id, task_ids=[ClearTaskInstancesBodyTaskIdsInner("cleanup")], dry_run=False, only_failed=False, include_downstream=True))
        assert [t.task_id for t in cleared.task_instances] == ["cleanup"], cleared
        after = runs.get_dag_run(DAG, run_id)
        assert after.state.value in ("queued", "running", "success"), after
        ok("post_clear_task_instances: cleanup cleared, run " + after.state.value)

        backfills = backfill_api.BackfillApi(api)
        pipeline = "example_pipeline"
        body = BackfillPostBody(dag_id=pipeline, from_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                to_date=datetime(2026, 1, 3, tzinfo=timezone.utc), max_active_runs=2,
                                dag_run_conf={}, reprocess_behavior="none", run_backwards=False)
        preview = backfills.create_backfill_dry_run(body)
        assert preview.total_entries == 3, preview
        ok("create_backfill_dry_run: %d runs" % preview.total_entries)
        created = backfills.create_backfill(body)
        assert created.dag_id == pipeline and created.max_active_runs == 2, created
        got = backfills.get_backfill(created.id)
        assert got.id == created.id
        listed_backfills = backfills.list_backfills(dag_id=pipeline)
        assert created.id in [b.id for b in listed_backfills.backfills], listed_backfills
        cancelled = backfills.cancel_backfill(created.id)
        assert cancelled.completed_at is not None, cancelled
        ok("create_backfill, get, list, cancel: backfill %d" % created.id)

        errors = import_error_api.ImportErrorApi(api).get_import_errors()
        ok("get_import_errors: %d" % errors.total_entries)
    print("contract: all steps passed", flush=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2], sys.argv[3])
    except Exception as e:  # report one line, then the trace for the test's failure message
        import traceback
        traceback.print_exc()
        print("contract failed: %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(1)
