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

import httpx
import pytest

from co2calc import wiring
from co2calc.demo import DEMO_USERS
from co2calc.http.api import Api
from co2calc.http.router import Route

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2046
NEW_YEAR = 2047


# Functions whose routes the matrix covers. The module, results, reporting,
# audit, factors and uploads functions check access with the same policy but
# are not in the matrix yet (their own suites test their rules): NOT COVERED.
COVERED = frozenset({"auth", "units", "years", "reports", "docs"})


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
}

# request bodies for routes that need one (the default is {} for POST/PUT)
BODIES: dict[tuple[str, str, str], dict] = {
    ("years", "POST", "/api/years/"): {"year": NEW_YEAR},
    ("reports", "PUT", "/api/reports/<int:report_id>/modules/<module>"): {"status": "in_progress"},
    ("years", "PUT", "/api/years/<int:year>/status"): {"status": "draft"},
    ("years", "PUT", "/api/years/<int:year>/objectives"): {
        "baseline_year": 2019,
        "targets": [{"year": 2030, "reduction": 0.4}, {"year": 2040, "reduction": 0.9}],
    },
}
FORMS: dict[tuple[str, str, str], dict] = {
    ("auth", "POST", "/api/auth/callback"): {"state": "not-a-flow"},
}


@pytest.fixture(scope="module")
def world(sign_in):
    """Ids the path parameters are filled with, per target."""
    admin = sign_in(ADMIN)
    r = admin.post("/api/years", json={"year": YEAR})
    assert r.status_code in (201, 409), r.text
    units = {}
    for target, code in (("own", "ENAC-CLIM-LAB1"), ("other", "SB-ENER-LAB1")):
        unit = admin.get("/api/units", params={"q": code}).json()["items"][0]
        report = admin.get(f"/api/reports/unit/{unit['id']}/{YEAR}").json()
        units[target] = {"unit_id": unit["id"], "report_id": report["id"]}
    units["colleague"] = units["own"]  # a colleague's resources live in the same unit
    return units


def fill(path: str, params: dict) -> str:
    import re

    values = {"year": YEAR, "module": "travel", **params}

    def sub(m: re.Match) -> str:
        return str(values[m.group(2)])

    return re.sub(r"<(?:(\w+):)?(\w+)>", sub, path)


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
    url = fill(path, world[scenario.target])
    kwargs: dict = {}
    if key in FORMS:
        kwargs["data"] = FORMS[key]
    elif method in ("POST", "PUT"):
        kwargs["json"] = BODIES.get(key, {})
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
    url = fill(path, world["own"])
    r = caller.client.request(method, url, json=BODIES.get(key, {}))  # no X-CSRF-Token
    assert r.status_code == 403, r.text
    assert r.json()["type"].endswith("/csrf")
    wrong = caller.client.request(
        method, url, json=BODIES.get(key, {}), headers={"X-CSRF-Token": "x" * 43}
    )
    assert wrong.status_code == 403 and wrong.json()["type"].endswith("/csrf")
