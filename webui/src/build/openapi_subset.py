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

GALE_SCHEMAS = {
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
                           "training curves per epoch). PATCH of a task instance marks it success, failed or "
                           "skipped within its run (include_future/include_past are refused with 400). Other Airflow endpoints "
                           "answer 501. Gale has no mapped tasks, pools or assets.",
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
