"""Property-based API test: schemathesis against /api/openapi.json, signed in as admin.

Every documented operation gets generated requests; the run fails on any 5xx
and on any response that violates the documented schema (status code,
content type, body). Logout and the OIDC redirects are excluded: they end the
session or leave the API.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from co2calc.demo import DEMO_USERS
from co2calc.http.openapi import build_openapi


@pytest.fixture(scope="module")
def admin(sign_in):
    return sign_in(DEMO_USERS[0].person_id)


# The document the gateway serves at /api/openapi.json (test_openapi.py checks they match).
# Read operations only: generated writes (random years, factor sets, entries)
# would change the database the rest of the suite shares.
schema = (
    schemathesis.openapi.from_dict(build_openapi())
    .include(method="GET")
    .exclude(path_regex=r"^/api/auth/(logout|login|callback)$")
)
# Text never holds NUL characters (PostgreSQL cannot store them): the API answers
# them with a 422 field error (type string_nul, tests/integration/modules/test_headcount.py),
# so the schema-valid strings generated here leave them out.
schema.config.generation.update(allow_x00=False)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case, gateway, admin):
    headers = {"Cookie": admin.client.headers["Cookie"], "X-CSRF-Token": admin.csrf}
    # The session cookie is sent on every case, so the checks that strip or
    # corrupt authentication to expect a rejection do not apply.
    case.call_and_validate(
        base_url=gateway, headers=headers, excluded_checks=[negative_data_rejection, ignored_auth]
    )
