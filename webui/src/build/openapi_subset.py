#!/usr/bin/env python3
"""Writes Gale's OpenAPI document: the operations of Airflow 3's document (the vendored
airflow-client-python spec/v2.yaml, Apache License 2.0) that Gale implements, with the schemas
they reference, plus POST /auth/token and Gale's additions under /api/v2/gale.

    python3 webui/src/build/openapi_subset.py ../shared/vendor/airflow-client-python/spec/v2.yaml \
        webui/src/main/resources/io/gale/web/openapi.json

Keep IMPLEMENTED in step with io.gale.web.api.ApiRoutes (OpenApiDocumentTest checks it).
"""
import json
import sys

import yaml

IMPLEMENTED = """
get /api/v2/monitor/health
get /api/v2/version
get /api/v2/dags
get /api/v2/dags/{dag_id}
patch /api/v2/dags/{dag_id}
get /api/v2/dags/{dag_id}/details
get /api/v2/dags/{dag_id}/tasks
get /api/v2/dags/{dag_id}/tasks/{task_id}
get /api/v2/importErrors
get /api/v2/dags/{dag_id}/dagRuns
post /api/v2/dags/{dag_id}/dagRuns
post /api/v2/dags/{dag_id}/dagRuns/list
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}
patch /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}
post /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/clear
post /api/v2/dags/{dag_id}/clearTaskInstances
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}
patch /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}
patch /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/dry_run
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries/{task_try_number}
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries
get /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}
get /api/v2/backfills
post /api/v2/backfills
post /api/v2/backfills/dry_run
get /api/v2/backfills/{backfill_id}
put /api/v2/backfills/{backfill_id}/cancel
put /api/v2/backfills/{backfill_id}/pause
put /api/v2/backfills/{backfill_id}/unpause
get /api/v2/variables
post /api/v2/variables
get /api/v2/variables/{variable_key}
patch /api/v2/variables/{variable_key}
delete /api/v2/variables/{variable_key}
get /api/v2/connections
post /api/v2/connections
get /api/v2/connections/{connection_id}
patch /api/v2/connections/{connection_id}
delete /api/v2/connections/{connection_id}
get /api/v2/pools
post /api/v2/pools
get /api/v2/pools/{pool_name}
patch /api/v2/pools/{pool_name}
delete /api/v2/pools/{pool_name}
"""

AUTH_TOKEN = {
    "post": {
        "tags": ["Login"],
        "summary": "Create Token",
        "description": "A JWT for the user (Airflow 3's simple auth manager answers the same way); send it as "
                       "'Authorization: Bearer <token>'. Failed logins are limited per user and address (429).",
        "operationId": "create_token",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {
            "201": {"description": "Created", "content": {"application/json": {"schema": {
                "type": "object", "required": ["access_token"], "properties": {"access_token": {"type": "string"}}}}}},
            "401": {"description": "Invalid username or password"},
            "422": {"description": "Validation Error"},
            "429": {"description": "Too many failed logins"},
        },
    }
}


SECURITY = [{"OAuth2PasswordBearer": []}, {"HTTPBearer": []}]
MODEL_NAME = {"name": "model_name", "in": "path", "required": True, "schema": {"type": "string"}}
VERSION = {"name": "version", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def gale_op(summary, description, operation_id, params, ok_status, ok_schema, errors, write=False):
    responses = {ok_status: {"description": "Successful Response"}}
    if ok_schema:
        responses[ok_status]["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/" + ok_schema}}}
    responses["401"] = {"description": "Unauthorized"}
    if write:
        responses["403"] = {"description": "Forbidden: viewers cannot change the registry"}
    responses.update(errors)
    responses["422"] = {"description": "Validation Error: the version is not a number"} if any(p is VERSION for p in params) \
        else {"description": "Validation Error"}
    return {"tags": ["Gale"], "summary": summary, "description": description, "operationId": operation_id,
            "security": SECURITY, "parameters": params, "responses": responses}


GALE_PATHS = {
    "/api/v2/gale/models/{model_name}/versions": {"get": gale_op(
        "Get Model Versions",
        "Gale's model registry: a model's registered versions, newest first, with stage, score, "
        "metrics, the run that produced each and whether it is the current (production) one.",
        "gale_get_model_versions",
        [MODEL_NAME,
         {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 50}},
         {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 0}}],
        "200", "GaleModelVersionCollection", {"404": {"description": "No versions of that model"}})},
    "/api/v2/gale/models/{model_name}/versions/{version}": {
        "get": gale_op("Get Model Version", "One registered version.", "gale_get_model_version",
                       [MODEL_NAME, VERSION], "200", "GaleModelVersion", {"404": {"description": "No such model or version"}}),
        "delete": gale_op("Delete Model Version", "Deletes a version's registry entry (what 'gale models delete' does); "
                          "the production version is refused with 409.", "gale_delete_model_version",
                          [MODEL_NAME, VERSION], "204", None,
                          {"404": {"description": "No such model or version"},
                           "409": {"description": "The version is in production: promote another or roll back first"}},
                          write=True),
    },
    "/api/v2/gale/models/{model_name}/versions/{version}/metrics": {"get": gale_op(
        "Get Training Curves",
        "The metrics the run that registered this version recorded per epoch (loss, validation NDCG@100, "
        "whatever else the trainer reports, seconds): per training task, its latest try. Empty curves when "
        "the run recorded none.",
        "gale_get_model_version_metrics", [MODEL_NAME, VERSION], "200", "GaleTrainingMetrics",
        {"404": {"description": "No such model or version"}})},
    "/api/v2/gale/models/{model_name}/versions/{version}/promote": {"post": gale_op(
        "Promote Model Version",
        "Makes the version production and archives the previous production version (what 'gale models promote' "
        "and the model page's button do).",
        "gale_promote_model_version", [MODEL_NAME, VERSION], "200", "GaleModelVersion",
        {"404": {"description": "No such model or version"}}, write=True)},
    "/api/v2/gale/models/{model_name}/rollback": {"post": gale_op(
        "Roll Back Model",
        "Takes the production version out (archived, marked rolled back) and makes the version that was "
        "production before it production again; answers the restored version.",
        "gale_rollback_model", [MODEL_NAME], "200", "GaleModelVersion",
        {"404": {"description": "No such model"},
         "409": {"description": "No production version, or none before it"}}, write=True)},
}

def worker_op(method, name, summary, description, body=None, params=(), ok="200", ok_schema=None, conflict=False,
              more=None):
    op = {
        "tags": ["Gale workers"],
        "summary": summary,
        "description": description + " Authenticated with a worker token ('gale workers token create NAME') as "
                       "'Authorization: Bearer <token>'; a missing, wrong or revoked token gets 401 and changes nothing.",
        "operationId": "gale_worker_" + name,
        "security": [{"HTTPBearer": []}],
        "parameters": [{"name": "worker", "in": "path", "required": True, "schema": {"type": "string"}}]
                      + [{"name": p, "in": where, "required": True, "schema": {"type": "string"}} for p, where in params],
        "responses": {ok: {"description": "Successful Response"}, "401": {"description": "Missing, wrong or revoked worker token"}},
    }
    if ok_schema:
        op["responses"][ok]["content"] = {"application/json": {"schema": ok_schema}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/" + body}}}}
    if conflict:
        op["responses"]["409"] = {"description": "The worker does not hold that try (lost and retried, cleared): refused and logged"}
    op["responses"].update(more or {})
    return {method: op}


W = "/api/v2/gale/workers/{worker}"
# the held try a GET or DELETE of a running task speaks for
HELD_QUERY = (("dag_id", "query"), ("run_id", "query"), ("task_id", "query"), ("try_number", "query"))
GALE_WORKERS = {
    W + "/heartbeat": worker_op("post", "heartbeat", "Worker Heartbeat",
                                "Registers the worker (state starting: tries an earlier process of that name held are lost) and records its "
                                "queues, concurrency and running tries.",
                                body="GaleWorkerHeartbeat", ok_schema={"$ref": "#/components/schemas/GaleWorkerValue"}),
    W + "/claim": worker_op("post", "claim", "Claim Tries",
                            "Claims up to max queued tries of the worker's queues (FOR UPDATE SKIP LOCKED): a list of "
                            "TaskWorkloads (DAG, task, run, try number), empty when none wait.", body="GaleWorkerClaim",
                            ok_schema={"type": "array", "items": {"type": "object"}}),
    W + "/logs": worker_op("post", "logs", "Stream Log Chunk", "Appends a chunk of a held try's log.", body="GaleWorkerLogChunk",
                           ok="204", conflict=True),
    W + "/report": worker_op("post", "report", "Report Try End",
                             "The end of a held try, a TaskEvent (state success, skipped, up_for_retry or failed, XComs, the "
                             "last log lines); stored for the scheduler, which records it.", body="GaleTaskEvent", ok="204",
                             conflict=True),
    W + "/trainingMetrics": worker_op("post", "training_metrics", "Report Training Epoch",
                                      "One epoch of a held try's training curve (TaskContext.trainingMetrics()).",
                                      body="GaleWorkerTrainingEpoch", ok="204", conflict=True),
    W + "/xcoms": worker_op("get", "xcom", "Get XCom", "An XCom value (JSON text) for a task running on the worker.",
                            params=(("dag_id", "query"), ("run_id", "query"), ("task_id", "query"), ("key", "query")),
                            ok_schema={"$ref": "#/components/schemas/GaleWorkerValue"}),
    W + "/variables/{key}": worker_op("get", "variable", "Get Variable", "A variable for a task running on the worker.",
                                      params=(("key", "path"),), ok_schema={"$ref": "#/components/schemas/GaleWorkerValue"}),
    W + "/connections/{conn_id}": worker_op("get", "connection", "Get Connection",
                                            "A connection (with its password) for a task running on the worker.",
                                            params=(("conn_id", "path"),), ok_schema={"type": "object"}),
    W + "/dagRuns": {
        **worker_op("post", "trigger_dag_run", "Trigger Dag Run",
                    "A held try triggers a manual run of another DAG (TaskContext.triggerDagRun), queued through the same "
                    "operations as the REST API's trigger: 201 when queued, 200 when run runId existed already (left as it is). "
                    "Without runId the run id is derived from the try (triggered__<dag>__<run>__<task>__try<n>), so a call "
                    "sent again finds its run.", body="GaleWorkerTrigger", ok="201",
                    ok_schema={"$ref": "#/components/schemas/GaleWorkerTriggered"}, conflict=True,
                    more={"200": {"description": "The run existed already",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GaleWorkerTriggered"}}}},
                          "400": {"description": "Invalid run id, or the DAG has a run at that logical date"},
                          "404": {"description": "No such DAG"}}),
    },
    W + "/models": worker_op("get", "model_names", "Get Model Names", "The registered models' names, sorted, for a held try.",
                             params=HELD_QUERY, ok_schema={"type": "array", "items": {"type": "string"}}, conflict=True),
    W + "/models/{model_name}/versions": {
        **worker_op("get", "model_versions", "Get Model Versions", "A model's versions, newest first, for a held try.",
                    params=(("model_name", "path"),) + HELD_QUERY,
                    ok_schema={"type": "array", "items": {"$ref": "#/components/schemas/GaleWorkerModelVersion"}}, conflict=True),
        **worker_op("post", "register_model", "Register Model Version",
                    "A held try registers a version (ModelRegistry.register): the next version number, promoted when the "
                    "policy (default best_score) says so, in one transaction.", body="GaleWorkerRegistration", ok="201",
                    params=(("model_name", "path"),), ok_schema={"$ref": "#/components/schemas/GaleWorkerRegistered"},
                    conflict=True, more={"400": {"description": "The version is not valid or names another model"}}),
    },
    W + "/models/{model_name}/versions/{version}": {
        **worker_op("get", "model_version", "Get Model Version", "One version, for a held try.",
                    params=(("model_name", "path"), ("version", "path")) + HELD_QUERY,
                    ok_schema={"$ref": "#/components/schemas/GaleWorkerModelVersion"}, conflict=True,
                    more={"404": {"description": "No such model or version"}}),
        **worker_op("delete", "delete_model_version", "Delete Model Version", "A held try deletes a version that is not production.",
                    params=(("model_name", "path"), ("version", "path")) + HELD_QUERY, ok="204", conflict=True,
                    more={"404": {"description": "No such model or version"},
                          "422": {"description": "The version is production: promote another or roll back first"}}),
    },
    W + "/models/{model_name}/versions/{version}/promote": worker_op(
        "post", "promote_model", "Promote Model Version",
        "A held try makes the version production, archiving the previous production version.", body="GaleWorkerHeld",
        params=(("model_name", "path"), ("version", "path")), ok_schema={"$ref": "#/components/schemas/GaleWorkerModelVersion"},
        conflict=True, more={"404": {"description": "No such model or version"}}),
    W + "/models/{model_name}/production": worker_op(
        "get", "production_model", "Get Production Version", "The production version of a model, for a held try.",
        params=(("model_name", "path"),) + HELD_QUERY, ok_schema={"$ref": "#/components/schemas/GaleWorkerModelVersion"},
        conflict=True, more={"404": {"description": "No such model, or no production version"}}),
    W + "/models/{model_name}/rollback": worker_op(
        "post", "rollback_model", "Roll Back Model",
        "A held try takes the production version out and makes the version that was production before it production again.",
        body="GaleWorkerHeld", params=(("model_name", "path"),),
        ok_schema={"$ref": "#/components/schemas/GaleWorkerModelVersion"}, conflict=True,
        more={"404": {"description": "No such model"}, "422": {"description": "No production version, or none before it"}}),
}

TASK_KEY = {"type": "object", "required": ["dagId", "runId", "taskId"],
            "properties": {"dagId": {"type": "string"}, "runId": {"type": "string"}, "taskId": {"type": "string"}}}

GALE_SCHEMAS = {
    "GaleWorkerHeartbeat": {"type": "object", "required": ["queues", "concurrency", "running"], "properties": {
        "queues": {"type": "array", "items": {"type": "string"}}, "concurrency": {"type": "integer"},
        "running": {"type": "integer"}, "state": {"type": "string", "enum": ["starting", "running", "stopped"]}}},
    "GaleWorkerClaim": {"type": "object", "required": ["queues", "max"], "properties": {
        "queues": {"type": "array", "items": {"type": "string"}}, "max": {"type": "integer", "minimum": 0, "maximum": 100}}},
    "GaleWorkerLogChunk": {"type": "object", "required": ["key", "tryNumber", "text"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"}, "text": {"type": "string", "maxLength": 262144}}},
    "GaleWorkerTrainingEpoch": {"type": "object", "required": ["key", "tryNumber", "epoch", "metrics", "seconds"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"}, "epoch": {"type": "integer"},
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}}, "seconds": {"type": "number"}}},
    "GaleWorkerValue": {"type": "object", "properties": {"value": {"type": "string", "nullable": True}}},
    "GaleWorkerTrigger": {"type": "object", "required": ["key", "tryNumber", "dagId"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"}, "dagId": {"type": "string"},
        "runId": {"type": "string", "nullable": True}, "conf": {"type": "object"}}},
    "GaleWorkerTriggered": {"type": "object", "required": ["runId", "created"], "properties": {
        "runId": {"type": "string"}, "created": {"type": "boolean"}}},
    "GaleWorkerHeld": {"type": "object", "required": ["key", "tryNumber"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"}}},
    "GaleWorkerNewModelVersion": {"type": "object", "required": ["name", "score", "artifactUri"], "properties": {
        "name": {"type": "string"}, "score": {"type": "number"},
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}}, "params": {"type": "object"},
        "artifactUri": {"type": "string"}, "sha256": {"type": "string", "nullable": True},
        "dataIntervalStart": {"type": "string", "format": "date-time", "nullable": True},
        "dataIntervalEnd": {"type": "string", "format": "date-time", "nullable": True},
        "dagId": {"type": "string", "nullable": True}, "runId": {"type": "string", "nullable": True}}},
    "GaleWorkerRegistration": {"type": "object", "required": ["key", "tryNumber", "version"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"},
        "version": {"$ref": "#/components/schemas/GaleWorkerNewModelVersion"},
        "policy": {"type": "object", "nullable": True, "properties": {
            "rule": {"type": "string", "enum": ["BEST_SCORE", "LATEST"]},
            "minScore": {"type": "number", "nullable": True}, "maxRegression": {"type": "number", "nullable": True}}}}},
    "GaleWorkerModelVersion": {"type": "object", "description": "io.gale.api.ModelVersion as JSON (camelCase)", "properties": {
        "name": {"type": "string"}, "version": {"type": "integer"},
        "stage": {"type": "string", "enum": ["NONE", "PRODUCTION", "ARCHIVED"]}, "score": {"type": "number"},
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}}, "params": {"type": "object"},
        "artifactUri": {"type": "string"}, "storageUri": {"type": "string", "nullable": True},
        "sha256": {"type": "string", "nullable": True},
        "dataIntervalStart": {"type": "string", "format": "date-time", "nullable": True},
        "dataIntervalEnd": {"type": "string", "format": "date-time", "nullable": True},
        "dagId": {"type": "string", "nullable": True}, "runId": {"type": "string", "nullable": True},
        "createdAt": {"type": "string", "format": "date-time"},
        "promotedAt": {"type": "string", "format": "date-time", "nullable": True},
        "rolledBackAt": {"type": "string", "format": "date-time", "nullable": True}}},
    "GaleWorkerRegistered": {"type": "object", "required": ["version", "promoted", "reason"], "properties": {
        "version": {"$ref": "#/components/schemas/GaleWorkerModelVersion"}, "promoted": {"type": "boolean"},
        "reason": {"type": "string"}}},
    "GaleTaskEvent": {"type": "object", "required": ["key", "tryNumber", "state"], "properties": {
        "key": TASK_KEY, "tryNumber": {"type": "integer"},
        "state": {"type": "string", "enum": ["SUCCESS", "SKIPPED", "UP_FOR_RETRY", "FAILED"]},
        "error": {"type": "string", "nullable": True},
        "xcoms": {"type": "object", "additionalProperties": {"type": "string"}, "description": "key to JSON text, 512 KiB at most in all"},
        "log": {"type": "string", "nullable": True, "description": "log lines not streamed yet"},
        "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"}}},
    "GaleModelVersion": {
        "type": "object",
        "required": ["name", "version", "score", "metrics", "artifact_uri", "created_at", "stage", "is_current"],
        "properties": {
            "name": {"type": "string"}, "version": {"type": "integer"}, "score": {"type": "number"},
            "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
            "artifact_uri": {"type": "string"}, "storage_uri": {"type": "string", "nullable": True},
            "data_interval_start": {"type": "string", "format": "date-time", "nullable": True},
            "data_interval_end": {"type": "string", "format": "date-time", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "stage": {"type": "string", "enum": ["none", "production", "archived"]},
            "is_current": {"type": "boolean"},
            "dag_id": {"type": "string", "nullable": True}, "run_id": {"type": "string", "nullable": True},
        },
    },
    "GaleTrainingEpoch": {
        "type": "object",
        "required": ["epoch", "metrics"],
        "properties": {
            "epoch": {"type": "integer", "minimum": 1},
            "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
            "seconds": {"type": "number", "nullable": True},
            "recorded_at": {"type": "string", "format": "date-time"},
        },
    },
    "GaleTrainingCurve": {
        "type": "object",
        "required": ["task_id", "try_number", "epochs"],
        "properties": {"task_id": {"type": "string"}, "try_number": {"type": "integer"},
                       "epochs": {"type": "array", "items": {"$ref": "#/components/schemas/GaleTrainingEpoch"}}},
    },
    "GaleTrainingMetrics": {
        "type": "object",
        "required": ["name", "version", "curves"],
        "properties": {"name": {"type": "string"}, "version": {"type": "integer"},
                       "dag_id": {"type": "string", "nullable": True}, "run_id": {"type": "string", "nullable": True},
                       "curves": {"type": "array", "items": {"$ref": "#/components/schemas/GaleTrainingCurve"}}},
    },
    "GaleModelVersionCollection": {
        "type": "object",
        "required": ["versions", "total_entries"],
        "properties": {"versions": {"type": "array", "items": {"$ref": "#/components/schemas/GaleModelVersion"}},
                       "total_entries": {"type": "integer"}},
    },
}


def refs(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/components/schemas/"):
                found.add(v.split("/")[-1])
            else:
                refs(v, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)


def main(spec_path, out_path):
    spec = yaml.safe_load(open(spec_path))
    paths = {}
    for line in IMPLEMENTED.split("\n"):
        if not line.strip():
            continue
        method, path = line.split()
        paths.setdefault(path, {})[method] = spec["paths"][path][method]
    paths["/auth/token"] = AUTH_TOKEN
    paths.update(GALE_PATHS)
    paths.update(GALE_WORKERS)
    schemas = dict(spec["components"]["schemas"])
    schemas.update(GALE_SCHEMAS)
    keep = set()
    todo = set()
    refs(paths, todo)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        more = set()
        refs(schemas[name], more)
        todo |= more - keep
    doc = {
        "openapi": spec["openapi"],
        "info": {
            "title": "Gale REST API",
            "description": "The part of Apache Airflow 3's stable REST API (/api/v2, document version "
                           + str(spec["info"].get("version")) + ") that Gale implements, taken from Airflow's "
                           "OpenAPI document (Apache License 2.0), plus POST /auth/token and Gale's own additions "
                           "under /api/v2/gale (the model registry: versions, promote, rollback, delete, "
                           "training curves per epoch; and the remote workers' API). PATCH of a task instance marks it "
                           "success, failed or skipped within its run (include_future/include_past are refused with 400). "
                           "Other Airflow endpoints answer 501. Gale has no mapped tasks or assets.",
            "version": "2",
        },
        "paths": paths,
        "components": {
            "schemas": {k: schemas[k] for k in sorted(keep)},
            "securitySchemes": spec["components"].get("securitySchemes", {}),
        },
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
