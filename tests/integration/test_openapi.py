"""The OpenAPI document covers every route and is valid OpenAPI 3.1."""

from __future__ import annotations

import httpx
from jsonschema import Draft202012Validator

from co2calc.http.openapi import all_apis, openapi_path


def test_every_route_is_documented(gateway):
    """Every route of every public function; cluster-local functions stay out of it."""
    import importlib

    from co2calc import wiring

    doc = httpx.get(f"{gateway}/api/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    missing, leaked = [], []
    for fn in wiring.HTTP_FUNCTIONS:
        api = importlib.import_module(f"co2calc.api.{fn.name.replace('-', '_')}").api
        for route in api.routes:
            path, _ = openapi_path(api, route)
            documented = route.method.lower() in doc["paths"].get(path, {})
            if fn.public and not documented:
                missing.append(f"{route.method} {path}")
            if not fn.public and path in doc["paths"]:
                leaked.append(f"{route.method} {path}")
    assert not missing, f"undocumented routes: {missing}"
    assert not leaked, f"cluster-local routes in the public document: {leaked}"
    assert len(all_apis()) == sum(fn.public for fn in wiring.HTTP_FUNCTIONS)


def test_schemas_are_valid_json_schema(gateway):
    doc = httpx.get(f"{gateway}/api/openapi.json").json()
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_docs_page_lists_operations(gateway):
    r = httpx.get(f"{gateway}/api/docs")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "/api/units/{unit_id}" in r.text


def test_responses_match_documented_schema(sign_in):
    """Real responses validate against their documented schemas."""
    from referencing import Registry, Resource

    from co2calc.demo import DEMO_USERS

    admin = sign_in(DEMO_USERS[0].person_id)
    doc = admin.get("/api/openapi.json").json()
    registry = Registry().with_resource(
        "urn:doc",
        Resource.from_contents({**doc, "$schema": "https://json-schema.org/draft/2020-12/schema"}),
    )
    for path, ptr in (
        ("/api/units", "~1api~1units"),
        ("/api/years", "~1api~1years"),
        ("/api/units/tree", "~1api~1units~1tree"),
    ):
        ref = f"urn:doc#/paths/{ptr}/get/responses/200/content/application~1json/schema"
        validator = Draft202012Validator({"$ref": ref}, registry=registry)
        validator.validate(admin.get(path).json())
