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


GALE_MODEL_VERSIONS = {
    "get": {
        "tags": ["Gale"],
        "summary": "Get Model Versions",
        "description": "Gale's model registry: a model's registered versions, newest first, with stage, score, "
                       "metrics and whether it is the current one.",
        "operationId": "gale_get_model_versions",
        "security": [{"OAuth2PasswordBearer": []}, {"HTTPBearer": []}],
        "parameters": [
            {"name": "model_name", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 50}},
            {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 0}},
        ],
        "responses": {
            "200": {"description": "Successful Response", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/GaleModelVersionCollection"}}}},
            "401": {"description": "Unauthorized"},
            "404": {"description": "No versions of that model"},
        },
    }
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
        },
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
    paths["/api/v2/gale/models/{model_name}/versions"] = GALE_MODEL_VERSIONS
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
                           "under /api/v2/gale (the model registry). Other Airflow endpoints "
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
