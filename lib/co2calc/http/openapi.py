"""One OpenAPI 3.1 document for the whole API, assembled from the routes.

Every HTTP function's ``Api`` lives in ``co2calc.api.<name>`` (``-`` → ``_``);
its routes carry their pydantic models, so the document cannot drift from the
code. Path parameters come from the werkzeug rules (``<int:unit_id>`` →
``{unit_id}``, integer).
"""

from __future__ import annotations

import html
import importlib
import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from co2calc import wiring
from co2calc.http.api import Api
from co2calc.http.router import Route

__all__ = ["all_apis", "build_openapi", "docs_html"]

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_REF = "#/components/schemas/{model}"
_PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "field": {"type": "string"},
                    "row": {"type": "integer", "description": "file row (0: the header)"},
                    "type": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def all_apis() -> list[Api]:
    """The Api of every public HTTP function in the wiring table.

    Cluster-local functions (``public=False``, e.g. s3-notify) are not part of
    the public API: the ingress does not route them.
    """
    apis = []
    for fn in wiring.HTTP_FUNCTIONS:
        if not fn.public:
            continue
        module = importlib.import_module(f"co2calc.api.{fn.name.replace('-', '_')}")
        apis.append(module.api)
    return apis


def openapi_path(api: Api, route: Route) -> tuple[str, list[dict[str, Any]]]:
    rule = api.prefix + (route.path if route.path != "/" else "")
    params = []
    for converter, name in _PARAM.findall(rule):
        # string segments are slugs (modules, submodules): documented as such
        schema = (
            {"type": "integer"}
            if converter == "int"
            else {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule) or "/", params


def _schema(tp: Any, defs: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = TypeAdapter(tp).json_schema(ref_template=_REF, mode=mode)
    for name, definition in schema.pop("$defs", {}).items():
        if defs.setdefault(name, definition) != definition:
            raise ValueError(
                f"two different models are both named {name!r} in the OpenAPI document; rename one"
            )
    return schema


def _operation(api: Api, route: Route, defs: dict[str, Any]) -> dict[str, Any]:
    _, params = openapi_path(api, route)
    op: dict[str, Any] = {
        "operationId": f"{api.name.replace('-', '_')}_{route.name}",
        "summary": route.summary,
        "tags": list(route.tags or (api.name,)),
        "parameters": params,
        "responses": {},
    }
    if route.query is not None:
        q = _schema(route.query, defs, "validation")
        for name, prop in q.get("properties", {}).items():
            op["parameters"].append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in q.get("required", []),
                    "schema": prop,
                    **({"description": prop["description"]} if "description" in prop else {}),
                }
            )
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(route.body, defs, "validation")}},
        }
    elif route.files:
        op["requestBody"] = {
            "required": True,
            "description": "the file itself, as the request body",
            "content": {
                ct: {"schema": {"type": "string", "contentMediaType": ct}} for ct in route.files
            },
        }
    if route.status == 204 or route.response is None:
        op["responses"][str(route.status)] = {"description": "Done"}
    else:
        op["responses"][str(route.status)] = {
            "description": "OK",
            "content": {
                "application/json": {"schema": _schema(route.response, defs, "validation")}
            },
        }
    for status, text in route.extra_responses.items():
        op["responses"][str(status)] = {"description": text}
    if route.files:
        op["responses"]["415"] = {"description": "not one of the declared file types"}
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for status, text in (
        (400, "Bad request"),
        (401, "Sign-in required"),
        (403, "Not allowed"),
        (404, "Not found"),
        (422, "Invalid input"),
    ):
        op["responses"].setdefault(
            str(status),
            {"description": text, "content": {"application/problem+json": {"schema": problem}}},
        )
    op["responses"]["default"] = {
        "description": "Error",
        "content": {"application/problem+json": {"schema": problem}},
    }
    if route.access == "public":
        op["security"] = []
    return op


@cache
def build_openapi() -> dict[str, Any]:
    defs: dict[str, Any] = {"ProblemDetails": _PROBLEM}
    paths: dict[str, dict[str, Any]] = {}
    for api in all_apis():
        for route in api.routes:
            path, _ = openapi_path(api, route)
            paths.setdefault(path, {})[route.method.lower()] = _operation(api, route, defs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "co2calc API",
            "version": "1",
            "description": "Carbon-footprint inventories of research units. Errors are "
            "application/problem+json (RFC 9457). State-changing requests need the "
            "session's CSRF token in the X-CSRF-Token header. Text values (bodies and query"
            " parameters) may not contain NUL characters (U+0000): 422, type string_nul.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(defs.items())),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "co2calc_session"}
            },
        },
        "security": [{"session": []}],
    }


def docs_html() -> str:
    """A self-contained, browsable rendering of the document (no CDN)."""
    doc = build_openapi()
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>co2calc API</title><style>body{font:15px system-ui;margin:2rem;"
        "max-width:70rem}code{background:#f3f3f3;padding:0 .2em}summary{cursor:pointer;"
        "padding:.3em 0}.m{display:inline-block;width:4.5em;font-weight:700}"
        "pre{background:#f7f7f7;padding:.6em;overflow:auto}</style>",
        "<h1>co2calc API</h1><p>",
        html.escape(doc["info"]["description"]),
        " The machine-readable document: <a href='/api/openapi.json'>/api/openapi.json</a>.</p>",
    ]
    import json

    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            parts.append(
                f"<details><summary><span class='m'>{method.upper()}</span>"
                f"<code>{html.escape(path)}</code> — {html.escape(op['summary'])}</summary>"
                f"<pre>{html.escape(json.dumps(op, indent=1))}</pre></details>"
            )
    parts.append("<h2>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        parts.append(
            f"<details><summary><code>{html.escape(name)}</code></summary><pre>"
            f"{html.escape(json.dumps(schema, indent=1))}</pre></details>"
        )
    return "".join(parts)
