"""HttpProvider against a local HTTP server, and the mass-removal guard."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from co2calc.directory import DirectoryUnavailable, SnapshotRejected, guarded_sync
from co2calc.directory.http_provider import HttpProvider


class _Server:
    def __init__(self) -> None:
        self.answers: list[tuple[int, bytes]] = []
        self.hits = 0
        self.auth: list[str | None] = []


@pytest.fixture
def directory_server():
    state = _Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.hits += 1
            state.auth.append(self.headers.get("Authorization"))
            status, body = state.answers.pop(0) if state.answers else (500, b"{}")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}/snapshot"
    yield state
    server.shutdown()
    server.server_close()


def _counts() -> tuple[int, int, int]:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        row = conn.execute(
            "select (select count(*) from role_assignment) as roles,"
            " (select count(*) from directory_person where active) as people,"
            " (select count(*) from org_unit where active) as units"
        ).fetchone()
    return row["roles"], row["people"], row["units"]


def _provider(url: str, **kw) -> HttpProvider:
    sleeps: list[float] = []
    p = HttpProvider(
        url, timeout=5, retries=kw.pop("retries", 3), backoff=0.1, sleep=sleeps.append, **kw
    )
    p.slept = sleeps  # type: ignore[attr-defined]
    return p


def test_success(directory_server, demo):
    directory_server.answers.append((200, demo.model_dump_json().encode()))
    p = _provider(directory_server.url, bearer_token="s3cret")
    snap = p.fetch()
    assert len(snap.units) == len(demo.units) and len(snap.people) == len(demo.people)
    assert directory_server.auth == ["Bearer s3cret"]


def test_retries_then_succeeds(directory_server, demo):
    directory_server.answers += [(503, b""), (500, b""), (200, demo.model_dump_json().encode())]
    p = _provider(directory_server.url)
    assert len(p.fetch().units) == len(demo.units)
    assert directory_server.hits == 3 and p.slept == [0.1, 0.2]


def test_500_retries_then_unavailable_and_nothing_changes(directory_server, demo):
    before = _counts()
    p = _provider(directory_server.url, retries=2)
    with pytest.raises(DirectoryUnavailable, match="after 3 attempts"):
        guarded_sync(p.fetch())
    assert directory_server.hits == 3 and p.slept == [0.1, 0.2]
    assert _counts() == before


def test_unreachable_and_invalid_snapshots(directory_server, demo):
    before = _counts()
    with pytest.raises(DirectoryUnavailable):
        _provider("http://127.0.0.1:9/none", retries=1).fetch()
    directory_server.answers.append((200, b'{"units": [], "people": [{"bogus": 1}]}'))
    with pytest.raises(DirectoryUnavailable, match="invalid"):
        _provider(directory_server.url).fetch()
    directory_server.answers.append((404, b"{}"))
    with pytest.raises(DirectoryUnavailable, match="404"):
        _provider(directory_server.url).fetch()
    assert _counts() == before


def test_guard_refuses_mass_removal_unless_forced(demo):
    from co2calc.directory.model import DirectorySnapshot

    before = _counts()
    data = json.loads(demo.model_dump_json())
    for person in data["people"]:
        person["roles"] = []
    gutted = DirectorySnapshot.model_validate(data)
    with pytest.raises(SnapshotRejected, match="would remove"):
        guarded_sync(gutted)
    assert _counts() == before
    # the demo snapshot (at most a few test-only roles fewer) passes the guard
    report = guarded_sync(demo)
    assert report.roles_removed <= before[0] / 2


def test_scheduled_sync_refuses_a_gutted_directory_file(demo, tmp_path, monkeypatch):
    """The directory-sync function's path (file provider from settings) applies the guard."""
    from co2calc.settings import get_settings
    from co2calc.tasks import run_directory_sync

    data = json.loads(demo.model_dump_json())
    for person in data["people"]:
        person["roles"] = []
    gutted = tmp_path / "gutted.json"
    gutted.write_text(json.dumps(data))
    monkeypatch.setenv("CO2CALC_DIRECTORY_PROVIDER", "file")
    monkeypatch.setenv("CO2CALC_DIRECTORY_FILE", str(gutted))
    get_settings.cache_clear()
    try:
        before = _counts()
        with pytest.raises(SnapshotRejected, match="would remove"):
            run_directory_sync()
        assert _counts() == before
        whole = tmp_path / "demo.json"
        whole.write_text(demo.model_dump_json())
        monkeypatch.setenv("CO2CALC_DIRECTORY_FILE", str(whole))
        get_settings.cache_clear()
        assert run_directory_sync().people == len(demo.people)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
