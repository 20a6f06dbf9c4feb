"""CloudEvents end to end: function → bus (per the Trigger manifests) → function → database."""

from __future__ import annotations

import os

import pytest

from co2calc.demo import DEMO_USERS, demo_directory
from co2calc.directory.model import DirectoryUnit


@pytest.fixture
def bus(gateway, tmp_path, monkeypatch):
    from co2calc.dev.eventbus import EventBus
    from co2calc.settings import get_settings

    snapshot = demo_directory()
    snapshot.units.append(
        DirectoryUnit(
            code="ENAC-CLIM-LAB99",
            parent="ENAC-CLIM",
            names={"en": "Late Lab", "fr": "Labo tardif", "de": "Spätes Labor"},
        )
    )
    directory = tmp_path / "directory.json"
    directory.write_text(snapshot.model_dump_json())
    monkeypatch.setenv("CO2CALC_DIRECTORY_PROVIDER", "file")
    monkeypatch.setenv("CO2CALC_DIRECTORY_FILE", str(directory))
    get_settings.cache_clear()
    b = EventBus(
        resolve=lambda name: f"{gateway}/_events/{name}", backoff_scale=0.001, schedules=False
    ).start()
    monkeypatch.setenv("K_SINK", b.url)
    yield b
    b.stop()
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:  # leave the demo tree as other tests expect it
        conn.execute("delete from org_unit where code = 'ENAC-CLIM-LAB99'")
    os.environ.pop("K_SINK", None)
    get_settings.cache_clear()


def test_year_created_event_runs_directory_sync(bus, sign_in):
    admin = sign_in(DEMO_USERS[0].person_id)
    assert admin.get("/api/units", params={"q": "LAB99"}).json()["total"] == 0
    r = admin.post("/api/years", json={"year": 2041})
    assert r.status_code == 201
    assert bus.wait_idle(timeout=30)
    assert not bus.dead_letters
    # the Trigger for ch.co2calc.year.created delivered it to directory-sync
    assert admin.get("/api/units", params={"q": "LAB99"}).json()["total"] == 1


def test_pingsource_schedule_runs_maintenance(bus, pg):
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        conn.execute(
            "insert into login_flow (state, flow, expires_at)"
            " values ('old-state', '{}', now() - interval '1 hour')"
        )
    bus.fire("maintenance-every-10-min")
    assert bus.wait_idle(timeout=30)
    assert not bus.dead_letters
    with transaction(all_units=True) as conn:
        left = conn.execute(
            "select count(*) as n from login_flow where state = 'old-state'"
        ).fetchone()["n"]
    assert left == 0
