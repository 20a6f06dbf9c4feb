"""The local OIDC test issuer (HTTPS, trustme CA) and the app configured for it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from co2calc.dev.oidc import TestIssuer, demo_claims
from co2calc.dev.stack import environment

ROOT_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", ".data", "test")

# Test-only people (not the demo ones, whose accounts the sign_in fixture owns):
# they sign in through the issuer and get their roles from a directory file that
# the callback syncs at sign-in.
RT_PRINCIPAL = ("rt-principal@test.co2calc.org", "900002", "Rita Roundtrip")
RT_MEMBER = ("rt-member@test.co2calc.org", "900003", "Max Roundtrip")


@pytest.fixture(scope="session")
def issuer(gateway: str, demo, tmp_path_factory) -> Iterator[TestIssuer]:
    """The issuer on an ephemeral port; CO2CALC_OIDC_* point the gateway at it."""
    users = demo_claims()
    for sub, person_id, name in (RT_PRINCIPAL, RT_MEMBER):
        users[sub] = {"email": sub, "name": name, "person_id": person_id}
    folder = tmp_path_factory.mktemp("oidc")
    idp = TestIssuer(folder, redirect_uris=[f"{gateway}/api/auth/callback"], users=users)
    idp.start()

    snapshot = demo.model_dump()
    snapshot["people"] += [
        {
            "person_id": "900002",
            "display_name": RT_PRINCIPAL[2],
            "email": RT_PRINCIPAL[0],
            "roles": [{"role": "principal", "unit": "ENAC-CLIM-LAB1"}],
        },
        {
            "person_id": "900003",
            "display_name": RT_MEMBER[2],
            "email": RT_MEMBER[0],
            "roles": [{"role": "standard", "unit": "ENAC-CLIM-LAB1"}],
        },
    ]
    directory_file = folder / "directory.json"
    directory_file.write_text(json.dumps(snapshot))

    env = idp.env() | {
        "CO2CALC_PUBLIC_URL": gateway,
        "CO2CALC_DIRECTORY_PROVIDER": "file",
        "CO2CALC_DIRECTORY_FILE": str(directory_file),
        "CO2CALC_DIRECTORY_SYNC_ON_LOGIN": "true",
    }
    with environment(env):
        yield idp
    idp.stop()
