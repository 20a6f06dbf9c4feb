"""The dev event bus over real HTTP, driven by the real ``knative/base`` manifests."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from co2calc import wiring
from co2calc.dev.eventbus import (
    PING_TYPE,
    Delivery,
    EventBus,
    PingSchedule,
    _duration_seconds,
    load_manifests,
)

pytestmark = pytest.mark.timeout(60)


@dataclass
class Recorder:
    """A function stand-in: records deliveries; can fail N times or always."""

    url: str = ""
    deliveries: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    fail_times: dict[str, int] = field(default_factory=dict)  # name → 503s before 200
    status: dict[str, int] = field(default_factory=dict)  # name → fixed status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ, start_response):
        req = Request(environ)
        name = req.path.strip("/")
        with self.lock:
            self.deliveries.append((name, dict(req.headers), req.get_data()))
            if name in self.status:
                code = self.status[name]
            elif self.fail_times.get(name, 0) > 0:
                self.fail_times[name] -= 1
                code = 503
            else:
                code = 200
        return Response("", status=code)(environ, start_response)

    def to(self, name: str) -> list[tuple[str, dict[str, str], bytes]]:
        return [d for d in self.deliveries if d[0] == name]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    server = make_server("127.0.0.1", 0, rec, threaded=True)
    rec.url = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def bus(recorder: Recorder) -> Iterator[EventBus]:
    b = EventBus(
        resolve=lambda name: f"{recorder.url}/{name}",
        port=0,
        timeout=5.0,
        backoff_scale=0.001,  # PT1S exponential → milliseconds
        schedules=False,
    )
    b.start()
    yield b
    b.stop()


def first_trigger() -> tuple[str, str]:
    """(CloudEvent type, function) of the first Broker trigger in the wiring table."""
    for fn in wiring.EVENT_FUNCTIONS:
        for ce_type in fn.triggers:
            return ce_type, fn.name
    pytest.skip("no Trigger in the wiring table")


def subscribers_of(ce_type: str) -> set[str]:
    return {fn.name for fn in wiring.EVENT_FUNCTIONS if ce_type in fn.triggers}


def binary_headers(ce_type: str, ce_id: str = "evt-1") -> dict[str, str]:
    return {
        "ce-specversion": "1.0",
        "ce-id": ce_id,
        "ce-source": "/tests/eventbus",
        "ce-type": ce_type,
        "content-type": "application/json",
    }


# ---------------------------------------------------------------- manifests


def test_loads_triggers_and_pingsources_of_the_wiring_table() -> None:
    subs, pings = load_manifests()
    assert {(s.filter["type"], s.subscriber) for s in subs} == {
        (t, fn.name) for fn in wiring.EVENT_FUNCTIONS for t in fn.triggers
    }
    assert {(p.name, p.schedule, p.sink, json.loads(p.data)["task"]) for p in pings} == {
        (s.name, s.cron, fn.name, s.task) for fn in wiring.EVENT_FUNCTIONS for s in fn.schedules
    }
    for s in subs:
        assert s.delivery.retry >= 1
        assert s.delivery.dead_letter_sink


def test_delivery_backoff_and_durations() -> None:
    d = Delivery(retry=3, backoff_policy="exponential", backoff_delay=1.0)
    assert [d.delay(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    lin = Delivery(retry=3, backoff_policy="linear", backoff_delay=0.5)
    assert [lin.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 1.5]
    assert _duration_seconds("PT1S", 0) == 1.0
    assert _duration_seconds("PT0.25S", 0) == 0.25
    assert _duration_seconds("PT1M30S", 0) == 90.0
    assert _duration_seconds(None, 7.0) == 7.0
    with pytest.raises(ValueError):
        _duration_seconds("1s", 0)


def test_ping_schedule_next_fire_time() -> None:
    ping = PingSchedule("p", "*/10 * * * *", sink="maintenance")
    start = datetime(2025, 3, 1, 12, 3, tzinfo=UTC)
    assert ping.next_after(start) == datetime(2025, 3, 1, 12, 10, tzinfo=UTC)
    zurich = PingSchedule("z", "0 9 * * *", sink="x", timezone="Europe/Zurich")
    assert zurich.next_after(start) == datetime(2025, 3, 2, 8, 0, tzinfo=UTC)


# ---------------------------------------------------------------- delivery


def test_binary_event_is_delivered_to_the_subscriber_only(
    bus: EventBus, recorder: Recorder
) -> None:
    ce_type, fn = first_trigger()
    resp = httpx.post(bus.url, headers=binary_headers(ce_type), content=b'{"year": 2025}')
    assert resp.status_code == 202
    assert resp.json()["subscribers"] == sorted(subscribers_of(ce_type))
    assert bus.wait_idle(10)
    assert {d[0] for d in recorder.deliveries} == subscribers_of(ce_type)
    [(_, headers, body)] = recorder.to(fn)
    assert headers["Ce-Type"] == ce_type
    assert headers["Ce-Id"] == "evt-1"
    assert headers["Ce-Source"] == "/tests/eventbus"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"year": 2025}
    assert not bus.dead_letters


def test_structured_event_is_delivered_in_binary_mode(bus: EventBus, recorder: Recorder) -> None:
    ce_type, fn = first_trigger()
    envelope = {
        "specversion": "1.0",
        "id": "evt-structured",
        "source": "/tests/eventbus",
        "type": ce_type,
        "datacontenttype": "application/json",
        "data": {"year": 2026},
    }
    resp = httpx.post(
        bus.url,
        content=json.dumps(envelope),
        headers={"content-type": "application/cloudevents+json"},
    )
    assert resp.status_code == 202
    assert bus.wait_idle(10)
    [(_, headers, body)] = recorder.to(fn)
    assert headers["Ce-Id"] == "evt-structured"
    assert headers["Ce-Type"] == ce_type
    assert json.loads(body) == {"year": 2026}


def test_non_matching_type_is_not_delivered(bus: EventBus, recorder: Recorder) -> None:
    resp = httpx.post(bus.url, headers=binary_headers("ch.co2calc.nobody.listens"), content=b"{}")
    assert resp.status_code == 202
    assert resp.json()["subscribers"] == []
    assert bus.wait_idle(10)
    assert recorder.deliveries == []


def test_not_a_cloudevent_is_rejected(bus: EventBus, recorder: Recorder) -> None:
    resp = httpx.post(bus.url, content=b"{}", headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert httpx.get(bus.url + "healthz").json()["status"] == "ok"


def test_retries_with_backoff_then_delivers(bus: EventBus, recorder: Recorder) -> None:
    ce_type, fn = first_trigger()
    sub = next(s for s in bus.subscriptions if s.subscriber == fn)
    recorder.fail_times[fn] = sub.delivery.retry  # succeeds on the very last attempt
    httpx.post(bus.url, headers=binary_headers(ce_type, "evt-retry"), content=b"{}")
    assert bus.wait_idle(10)
    assert len(recorder.to(fn)) == sub.delivery.retry + 1
    assert not bus.dead_letters
    assert "evt-retry" in {d[2] for d in bus.stats.deliveries}


def test_exhausted_retries_log_a_dead_letter(
    bus: EventBus, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    ce_type, fn = first_trigger()
    sub = next(s for s in bus.subscriptions if s.subscriber == fn)
    recorder.fail_times[fn] = sub.delivery.retry + 5
    with caplog.at_level(logging.INFO, logger="co2calc.dev.eventbus"):
        httpx.post(bus.url, headers=binary_headers(ce_type, "evt-dead"), content=b"{}")
        assert bus.wait_idle(10)
    assert len(recorder.to(fn)) == sub.delivery.retry + 1
    [dead] = bus.dead_letters
    assert (dead.subscriber, dead.event["id"], dead.attempts) == (
        fn,
        "evt-dead",
        sub.delivery.retry + 1,
    )
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.levelno == logging.ERROR]
    [line] = [x for x in lines if x["msg"] == "dead letter"]
    assert line["subscriber"] == fn
    assert line["event"]["id"] == "evt-dead"
    assert line["dead_letter_sink"] == sub.delivery.dead_letter_sink
    assert line["error"] == "HTTP 503"


def test_non_retryable_status_goes_straight_to_dead_letter(
    bus: EventBus, recorder: Recorder
) -> None:
    ce_type, fn = first_trigger()
    recorder.status[fn] = 400
    httpx.post(bus.url, headers=binary_headers(ce_type, "evt-400"), content=b"{}")
    assert bus.wait_idle(10)
    assert len(recorder.to(fn)) == 1
    [dead] = bus.dead_letters
    assert (dead.attempts, dead.error) == (1, "HTTP 400")


def test_delivery_is_async_to_the_publisher(bus: EventBus, recorder: Recorder) -> None:
    ce_type, fn = first_trigger()
    sub = next(s for s in bus.subscriptions if s.subscriber == fn)
    recorder.fail_times[fn] = sub.delivery.retry
    slow = EventBus(
        resolve=bus.resolve, port=0, timeout=5.0, backoff_scale=0.02, schedules=False
    ).start()
    try:
        resp = httpx.post(slow.url, headers=binary_headers(ce_type), content=b"{}")
        assert resp.status_code == 202
        assert len(recorder.to(fn)) < sub.delivery.retry + 1  # still retrying
        assert slow.wait_idle(20)
        assert len(recorder.to(fn)) == sub.delivery.retry + 1
    finally:
        slow.stop()


# ---------------------------------------------------------------- PingSources


def test_fire_pingsource_posts_a_ping_event_to_its_sink(bus: EventBus, recorder: Recorder) -> None:
    schedules = [(s, fn.name) for fn in wiring.EVENT_FUNCTIONS for s in fn.schedules]
    if not schedules:
        pytest.skip("no schedule in the wiring table")
    for sched, fn in schedules:
        recorder.deliveries.clear()
        bus.fire(sched.name)
        assert bus.wait_idle(10)
        [(name, headers, body)] = recorder.deliveries
        assert name == fn
        assert headers["Ce-Type"] == PING_TYPE
        assert headers["Ce-Source"].endswith(f"/pingsources/{sched.name}")
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"task": sched.task}
    with pytest.raises(KeyError):
        bus.fire("no-such-schedule")


def test_scheduler_fires_due_pings(recorder: Recorder, tmp_path) -> None:
    manifest = tmp_path / "ping.yaml"
    manifest.write_text(
        "apiVersion: sources.knative.dev/v1\nkind: PingSource\n"
        "metadata: {name: every-second}\n"
        "spec:\n  schedule: '* * * * * *'\n  contentType: application/json\n"
        '  data: \'{"task": "tick"}\'\n'
        "  sink: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: tick}}\n"
    )
    # cronsim accepts a 6th (seconds) field: fires every second.
    with EventBus(resolve=lambda n: f"{recorder.url}/{n}", manifests=manifest) as b:
        deadline = datetime.now(UTC).timestamp() + 5
        while not recorder.to("tick") and datetime.now(UTC).timestamp() < deadline:
            b.wait_idle(0.2)
        assert b.wait_idle(5)
    assert recorder.to("tick")
    assert json.loads(recorder.to("tick")[0][2]) == {"task": "tick"}
