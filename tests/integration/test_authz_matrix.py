"""The authorisation matrix: every route of every HTTP function × every kind of caller.

Routes come from the wiring table (``co2calc.wiring.HTTP_FUNCTIONS`` → each
function's ``Api.routes``), so a new route fails ``test_every_route_has_an_expectation``
until it gets a row in ``EXPECT``. A cell is *deny* when the answer is 401/403
and *allow* otherwise (200, 201, 204, 302, 400, 404, 409, 422, 502 all mean the
caller got past authentication and authorisation).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from co2calc import wiring
from co2calc.auth.policy import OWN_SCOPE_MODULES
from co2calc.demo import DEMO_USERS
from co2calc.http.api import Api
from co2calc.http.router import Route

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2046
NEW_YEAR = 2047


# Every function reachable through the ingress is in the matrix; cluster-local
# functions (``public=False``, e.g. s3-notify) are checked to be unreachable
# through the gateway instead (``test_cluster_local_functions_are_not_exposed``).
COVERED = frozenset(fn.name for fn in wiring.HTTP_FUNCTIONS if fn.public)
MODULES = (
    "headcount",
    "travel",
    "buildings",
    "equipment",
    "purchases",
    "cloud-ai",
    "process-emissions",
    "research-facilities",
)


def http_routes() -> list[tuple[str, Api, Route]]:
    """(function name, its Api, route) for every route of every covered HTTP function."""
    out = []
    for fn in wiring.HTTP_FUNCTIONS:
        if fn.name not in COVERED:
            continue
        api = importlib.import_module(f"co2calc.api.{fn.name.replace('-', '_')}").api
        out += [(fn.name, api, r) for r in api.routes]
    return out


def route_key(fn: str, api: Api, route: Route) -> tuple[str, str, str]:
    return (fn, route.method, api.prefix + route.path)


@dataclass(frozen=True)
class Scenario:
    name: str
    person: str | None  # None: anonymous
    target: str  # which unit's resources the path parameters name: own | other


SCENARIOS = (
    Scenario("anonymous", None, "own"),
    Scenario("standard/own", MEMBER, "own"),
    Scenario("standard/colleague", MEMBER, "colleague"),
    Scenario("principal/own", PRINCIPAL, "own"),
    Scenario("principal/other", PRINCIPAL, "other"),
    Scenario("officer/inside", OFFICER, "own"),
    Scenario("officer/outside", OFFICER, "other"),
    Scenario("admin", ADMIN, "other"),
)
NAMES = [s.name for s in SCENARIOS]

ALL = frozenset(NAMES)
SIGNED_IN = ALL - {"anonymous"}
READERS = frozenset(
    {"standard/own", "standard/colleague", "principal/own", "officer/inside", "admin"}
)
MANAGERS = frozenset({"principal/own", "admin"})
ADMINS = frozenset({"admin"})
OFFICERS = frozenset({"officer/inside", "officer/outside", "admin"})
UNIT_READERS = frozenset({"principal/own", "officer/inside", "admin"})  # all rows of a unit

# (function, method, path) → the scenarios allowed; every other scenario is denied.
EXPECT: dict[tuple[str, str, str], frozenset[str]] = {
    ("auth", "GET", "/api/auth/session"): SIGNED_IN,
    ("auth", "POST", "/api/auth/logout"): SIGNED_IN,
    ("auth", "GET", "/api/auth/login"): ALL,
    ("auth", "POST", "/api/auth/callback"): ALL,
    ("units", "GET", "/api/units/"): SIGNED_IN,
    ("units", "GET", "/api/units/tree"): SIGNED_IN,
    ("units", "GET", "/api/units/<int:unit_id>"): READERS,
    ("years", "GET", "/api/years/"): SIGNED_IN,
    ("years", "GET", "/api/years/<int:year>"): SIGNED_IN,
    ("years", "POST", "/api/years/"): ADMINS,
    ("reports", "GET", "/api/reports/"): SIGNED_IN,
    ("reports", "GET", "/api/reports/<int:report_id>"): READERS,
    ("reports", "GET", "/api/reports/unit/<int:unit_id>/<int:year>"): READERS,
    ("reports", "PUT", "/api/reports/<int:report_id>/modules/<module>"): MANAGERS,
    ("reports", "POST", "/api/reports/<int:report_id>/sign-off"): MANAGERS,
    ("years", "GET", "/api/years/<int:year>/completeness"): ADMINS,
    ("years", "PUT", "/api/years/<int:year>/status"): ADMINS,
    ("years", "GET", "/api/years/<int:year>/objectives"): SIGNED_IN,
    ("years", "PUT", "/api/years/<int:year>/objectives"): ADMINS,
    ("docs", "GET", "/api/openapi.json"): ALL,
    ("docs", "GET", "/api/docs"): ALL,
    # factor sets and reference data: everyone signed in browses, admins load
    ("factors", "GET", "/api/factors/sets"): SIGNED_IN,
    ("factors", "GET", "/api/factors/sets/<int:year>/factors"): SIGNED_IN,
    ("factors", "GET", "/api/factors/sets/<int:year>/export"): SIGNED_IN,
    ("factors", "POST", "/api/factors/sets/<int:year>"): ADMINS,
    ("factors", "PUT", "/api/factors/sets/<int:year>/active"): ADMINS,
    ("factors", "GET", "/api/factors/airports"): SIGNED_IN,
    ("factors", "GET", "/api/factors/stations"): SIGNED_IN,
    ("factors", "GET", "/api/factors/power-table"): SIGNED_IN,
    ("factors", "GET", "/api/factors/fx"): SIGNED_IN,
    ("factors", "GET", "/api/factors/hicp"): SIGNED_IN,
    ("factors", "GET", "/api/factors/rooms"): SIGNED_IN,
    ("factors", "PUT", "/api/factors/rooms"): ADMINS,
    ("factors", "GET", "/api/factors/facilities/<int:year>"): SIGNED_IN,
    ("factors", "PUT", "/api/factors/facilities/<int:year>"): ADMINS,
    # results: anyone who sees the unit (members, its principal, officers above it)
    ("results", "GET", "/api/results/<int:unit_id>"): READERS,
    ("results", "GET", "/api/results/<int:unit_id>/<int:year>"): READERS,
    ("results", "GET", "/api/results/<int:unit_id>/<int:year>/change"): READERS,
    ("results", "GET", "/api/results/<int:unit_id>/<int:year>/trajectory"): READERS,
    ("results", "GET", "/api/results/<int:unit_id>/<int:year>/export"): READERS,
    # cross-unit reporting: affiliation officers (their subtree) and admins
    ("reporting", "GET", "/api/reporting/units"): OFFICERS,
    ("reporting", "GET", "/api/reporting/summary"): OFFICERS,
    ("reporting", "GET", "/api/reporting/export"): OFFICERS,
    ("audit", "GET", "/api/audit/"): ADMINS,
    ("audit", "GET", "/api/audit/export"): ADMINS,
    # imports: the unit's managers; the job's unit decides, not the URL
    ("uploads", "POST", "/api/uploads/"): MANAGERS,
    ("uploads", "GET", "/api/uploads/templates/<module>/<submodule>"): SIGNED_IN,
    ("uploads", "GET", "/api/uploads/jobs"): SIGNED_IN,  # filtered to the units managed
    ("uploads", "GET", "/api/uploads/jobs/<job_id>"): MANAGERS,
    ("uploads", "GET", "/api/uploads/jobs/<job_id>/errors.csv"): MANAGERS,
    ("uploads", "POST", "/api/uploads/jobs/<job_id>/retry"): MANAGERS,  # 409: not failed
}

# One submodule per module function and a valid entry for it.
SUBMODULE = {
    "headcount": ("students", {"fte": 1.5}),
    "travel": ("plane", {"origin": "GVA", "destination": "LHR"}),
    "buildings": ("combustion", {"fuel": "natural_gas", "unit": "kWh", "quantity": 1000}),
    "equipment": (
        "it",
        {"inventory_id": "M-1", "name": "Workstation", "cls": "Desktop",
         "active_hours_week": 40, "standby_hours_week": 128},
    ),
    "purchases": (
        "consumables",
        {"item": "Pipettes", "supplier": "Matrix AG", "amount": 100, "currency": "CHF",
         "purchase_code": "41100000", "nacres_code": "NB01"},
    ),
    "cloud-ai": ("ai", {"provider": "MatrixAI", "use": "text", "user_fte": 1,
                        "requests_band": "5-20"}),
    "process-emissions": ("gas", {"gas": "R410A", "kg_emitted": 2}),
    "research-facilities": ("common", {"facility": "Matrix platform", "use": 10,
                                       "use_unit": "hours"}),
}  # fmt: skip


def _module_rules(module: str) -> dict[tuple[str, str, str], frozenset[str]]:
    """Entry routes: principals write their unit, officers read their subtree, standard
    members only their own rows of own-scope modules (travel, cloud-ai); research
    facilities are loaded by admins."""
    own = frozenset({"standard/own"}) if module in OWN_SCOPE_MODULES else frozenset()
    writers = ADMINS if module == "research-facilities" else MANAGERS
    base = f"/api/{module}/<int:unit_id>/<int:year>/<submodule>"
    one = base + "/<int:entry_id>"
    return {
        # a member lists own rows only, whichever colleague's rows exist
        (module, "GET", base): UNIT_READERS | (own | {"standard/colleague"} if own else own),
        (module, "POST", base): writers | own,  # "colleague": creating a row in their name
        (module, "POST", base + "/bulk-delete"): writers | own,
        (module, "GET", one): UNIT_READERS | own,
        (module, "GET", one + "/explain"): UNIT_READERS | own,
        (module, "PUT", one): writers | own,
        (module, "DELETE", one): writers | own,
    }


for _m in MODULES:
    EXPECT |= _module_rules(_m)


# request bodies for routes that need one (the default is {} for POST/PUT); a
# callable receives the target's ids (see ``world`` and ``fresh_ids``)
BODIES: dict[tuple[str, str, str], Any] = {
    ("years", "POST", "/api/years/"): {"year": NEW_YEAR},
    ("reports", "PUT", "/api/reports/<int:report_id>/modules/<module>"): {"status": "in_progress"},
    ("years", "PUT", "/api/years/<int:year>/status"): {"status": "open"},
    ("years", "PUT", "/api/years/<int:year>/objectives"): {
        "baseline_year": 2019,
        "targets": [{"year": 2030, "reduction": 0.4}, {"year": 2040, "reduction": 0.9}],
    },
    ("factors", "PUT", "/api/factors/sets/<int:year>/active"): {"version": "9999.none"},
    ("uploads", "POST", "/api/uploads/"): lambda ids: {
        "year": YEAR,
        "unit_id": ids["unit_id"],
        "module": "travel",
        "submodule": "plane",
        "filename": "matrix.csv",
        "content_type": "text/csv",
    },
}
for _m in MODULES:
    _base = f"/api/{_m}/<int:unit_id>/<int:year>/<submodule>"
    _data = SUBMODULE[_m][1]
    BODIES[(_m, "POST", _base)] = lambda ids, _data=_data: {
        "data": _data,
        "owner_user_id": ids["owner"],
    }
    BODIES[(_m, "PUT", _base + "/<int:entry_id>")] = lambda ids, _data=_data: {
        "data": _data,
        "version": 1,
    }
    BODIES[(_m, "POST", _base + "/bulk-delete")] = lambda ids: {"ids": [ids["entry_id"]]}
QUERIES: dict[tuple[str, str, str], dict] = {
    ("factors", "POST", "/api/factors/sets/<int:year>"): {"version": "9999.matrix"},
    ("factors", "GET", "/api/factors/airports"): {"q": "GVA"},
    ("factors", "GET", "/api/factors/stations"): {"q": "Lausanne"},
    ("reporting", "GET", "/api/reporting/units"): {"year": YEAR},
    ("reporting", "GET", "/api/reporting/summary"): {"year": YEAR},
    ("reporting", "GET", "/api/reporting/export"): {"year": YEAR},
}
# path values other than the target's (the shipped factor set's year)
PATHS: dict[tuple[str, str, str], dict] = {
    ("factors", "GET", "/api/factors/sets/<int:year>/factors"): {"year": 2025},
    ("factors", "GET", "/api/factors/sets/<int:year>/export"): {"year": 2025},
}
FORMS: dict[tuple[str, str, str], dict] = {
    ("auth", "POST", "/api/auth/callback"): {"state": "not-a-flow"},
}


@pytest.fixture(scope="module")
def world(sign_in):
    """Ids the path parameters are filled with, per target; the year is open."""
    from co2calc.db import transaction

    admin = sign_in(ADMIN)
    r = admin.post("/api/years", json={"year": YEAR})
    assert r.status_code in (201, 409), r.text
    with transaction(all_units=True) as conn:
        conn.execute("update reporting_year set status = 'open' where year = %s", (YEAR,))
    member, colleague = sign_in(MEMBER).user_id, sign_in(COLLEAGUE).user_id
    units = {}
    for target, code, owner in (
        ("own", "ENAC-CLIM-LAB1", member),
        ("colleague", "ENAC-CLIM-LAB1", colleague),
        ("other", "SB-ENER-LAB1", None),
    ):
        unit = admin.get("/api/units", params={"q": code}).json()["items"][0]
        report = admin.get(f"/api/reports/unit/{unit['id']}/{YEAR}").json()
        grant = admin.post(
            "/api/uploads",
            json={"year": YEAR, "unit_id": unit["id"], "module": "travel", "submodule": "plane",
                  "filename": "matrix.csv", "content_type": "text/csv"},
        )  # fmt: skip
        assert grant.status_code == 201, grant.text
        units[target] = {
            "unit_id": unit["id"],
            "report_id": report["id"],
            "owner": owner,  # whose row an own-scope entry of this target is
            "job_id": grant.json()["job"]["id"],
        }
    return units


def fresh_ids(key: tuple[str, str, str], ids: dict, admin) -> dict:
    """The target's ids, plus a new entry (created by the admin) for entry routes.

    Every cell gets its own entry, so a DELETE in one cell never turns another
    cell's answer into a 404.
    """
    fn, _method, path = key
    if fn not in SUBMODULE:
        return ids
    submodule, data = SUBMODULE[fn]
    ids = ids | {"submodule": submodule}
    if "<int:entry_id>" in path or path.endswith("/bulk-delete"):
        url = f"/api/{fn}/{ids['unit_id']}/{YEAR}/{submodule}"
        r = admin.post(url, json={"data": data, "owner_user_id": ids["owner"]})
        assert r.status_code == 201, r.text
        ids["entry_id"] = r.json()["id"]
    return ids


def fill(path: str, params: dict) -> str:
    import re

    values = {"year": YEAR, "module": "travel", "submodule": "plane", **params}

    def sub(m: re.Match) -> str:
        return str(values[m.group(2)])

    return re.sub(r"<(?:(\w+):)?(\w+)>", sub, path)


def request_kwargs(key: tuple[str, str, str], ids: dict) -> dict:
    kwargs: dict = {}
    if key in QUERIES:
        kwargs["params"] = QUERIES[key]
    if key in FORMS:
        kwargs["data"] = FORMS[key]
    elif key[1] in ("POST", "PUT"):
        body = BODIES.get(key, {})
        kwargs["json"] = body(ids) if callable(body) else body
    return kwargs


CELLS = [(route_key(fn, api, route), s) for fn, api, route in http_routes() for s in SCENARIOS]


def test_every_route_has_an_expectation():
    keys = {route_key(*r) for r in http_routes()}
    missing = sorted(keys - EXPECT.keys())
    assert not missing, f"routes without an authorisation expectation: {missing}"
    stale = sorted(EXPECT.keys() - keys)
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    for allowed in EXPECT.values():
        assert allowed <= ALL


@pytest.mark.parametrize(
    ("key", "scenario"),
    [pytest.param(k, s, id=f"{k[1]} {k[2]} as {s.name}") for k, s in CELLS],
)
def test_matrix_cell(key, scenario, world, sign_in, gateway):
    if key not in EXPECT:
        pytest.fail(f"no expectation for {key}")
    _fn, method, path = key
    ids = fresh_ids(key, world[scenario.target], sign_in(ADMIN))
    url = fill(path, ids | PATHS.get(key, {}))
    kwargs = request_kwargs(key, ids)
    if scenario.person is None:
        with httpx.Client(base_url=gateway, timeout=30) as anon:
            r = anon.request(method, url, **kwargs)
    else:
        caller = sign_in(scenario.person)  # a fresh session per cell (logout is a route)
        r = caller.request(method, url, **kwargs)
    allowed = scenario.name in EXPECT[key]
    if allowed:
        assert r.status_code not in (401, 403), f"{scenario.name} denied: {r.text}"
    else:
        # 404: row-level security hides another unit's rows altogether
        assert r.status_code in (401, 403, 404), (
            f"{scenario.name} allowed: {r.status_code} {r.text}"
        )
        assert r.headers["content-type"] == "application/problem+json"
        if scenario.person is None:
            assert r.status_code == 401


UNSAFE = [
    route_key(fn, api, route)
    for fn, api, route in http_routes()
    if route.method in ("POST", "PUT", "DELETE") and route.csrf
]


@pytest.mark.parametrize("key", UNSAFE, ids=[f"{k[1]} {k[2]}" for k in UNSAFE])
def test_state_changing_routes_need_the_csrf_token(key, world, sign_in):
    caller = sign_in(ADMIN)
    _fn, method, path = key
    ids = fresh_ids(key, world["own"], caller)
    url = fill(path, ids)
    kwargs = request_kwargs(key, ids)
    kwargs.pop("data", None)
    kwargs.setdefault("json", {})
    r = caller.client.request(method, url, **kwargs)  # no X-CSRF-Token
    assert r.status_code == 403, r.text
    assert r.json()["type"].endswith("/csrf")
    wrong = caller.client.request(method, url, headers={"X-CSRF-Token": "x" * 43}, **kwargs)
    assert wrong.status_code == 403 and wrong.json()["type"].endswith("/csrf")
    if "entry_id" in ids:  # refused without a trace: the entry is still there
        entry = f"/api/{_fn}/{ids['unit_id']}/{YEAR}/{ids['submodule']}/{ids['entry_id']}"
        assert caller.get(entry).status_code == 200


def test_cluster_local_functions_are_not_exposed(gateway):
    """Cluster-local functions (``public=False``) answer 404 through the public gateway."""
    local = [fn for fn in wiring.HTTP_FUNCTIONS if not fn.public]
    assert local, "expected at least s3-notify to be cluster-local"
    with httpx.Client(base_url=gateway, timeout=30) as anon:
        for fn in local:
            api = importlib.import_module(f"co2calc.api.{fn.name.replace('-', '_')}").api
            for route in api.routes:
                r = anon.request(route.method, fill(api.prefix + route.path, {}), json={})
                assert r.status_code == 404, f"{fn.name} {route.method} {route.path}: {r.text}"
