"""The dev event bus: Knative's Broker, Triggers and PingSources on one machine.

Driven by the real manifests in ``knative/base`` (generated from the wiring
table): every ``Trigger`` becomes a subscription (attribute filter → the
Knative Service named by ``subscriber.ref.name``, i.e. a wiring function, with
the Trigger's ``delivery`` retry/backoff), every ``PingSource`` a cron schedule
posting ``dev.knative.sources.ping`` events with its ``data`` to its sink.

    bus = EventBus(resolve=lambda name: f"http://127.0.0.1:8080/_events/{name}")
    bus.start()                     # HTTP ingress on 127.0.0.1:<bus.port>, workers, cron
    bus.url                         # where publishers POST CloudEvents (= K_SINK)
    bus.publish(event)              # in-process publishing (a cloudevents CloudEvent)
    bus.fire("maintenance-every-10-min")
    bus.wait_idle(timeout=5)        # True once every accepted event is delivered/dead-lettered
    bus.stop()

The ingress accepts binary (``ce-*`` headers) and structured
(``application/cloudevents+json``) CloudEvents and answers 202; delivery is
asynchronous (a queue and worker threads), always in binary mode, with
Knative's retry semantics; exhausted or non-retryable deliveries are logged as
one JSON line (``"msg": "dead letter"``) and kept in ``bus.dead_letters``.

    python -m co2calc.dev.eventbus --port 8081 --url-template 'http://{name}:8080/'
"""

from __future__ import annotations

import argparse
import json
import logging
import queue
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import yaml
from cloudevents.conversion import to_binary
from cloudevents.exceptions import GenericException
from cloudevents.http import CloudEvent, from_http
from cronsim import CronSim
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from co2calc import wiring

__all__ = [
    "PING_TYPE",
    "Delivery",
    "EventBus",
    "PingSchedule",
    "Subscription",
    "load_manifests",
    "main",
]

log = logging.getLogger("co2calc.dev.eventbus")

PING_TYPE = "dev.knative.sources.ping"
DEFAULT_MANIFESTS = wiring.REPO_ROOT / "knative" / "base"
# Knative retries these statuses (and transport errors); any other non-2xx is final.
RETRYABLE_STATUS = frozenset({404, 408, 409, 429})


def _duration_seconds(iso: str | None, default: float) -> float:
    """ISO-8601 duration as used by Knative (``PT0.2S``, ``PT1M``, ``PT1H30M``)."""
    if not iso:
        return default
    m = re.fullmatch(
        r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?"
        r"(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?",
        iso.strip().upper(),
    )
    if not m:
        raise ValueError(f"not an ISO-8601 duration: {iso!r}")
    d, h, mi, s = (float(m.group(k) or 0) for k in "dhms")
    return ((d * 24 + h) * 60 + mi) * 60 + s


@dataclass(frozen=True)
class Delivery:
    """A Knative ``delivery`` spec: ``retry`` retries after the first attempt."""

    retry: int = 0
    backoff_policy: str = "exponential"  # or "linear"
    backoff_delay: float = 0.2  # seconds
    dead_letter_sink: str | None = None  # ref name or uri, for the log line

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None) -> Delivery:
        spec = spec or {}
        dls = spec.get("deadLetterSink") or {}
        return cls(
            retry=int(spec.get("retry", 0)),
            backoff_policy=str(spec.get("backoffPolicy", "exponential")),
            backoff_delay=_duration_seconds(spec.get("backoffDelay"), 0.2),
            dead_letter_sink=(dls.get("ref") or {}).get("name") or dls.get("uri"),
        )

    def delay(self, retry_number: int) -> float:
        """Wait before retry ``retry_number`` (1-based), as Knative computes it."""
        if self.backoff_policy == "linear":
            return self.backoff_delay * retry_number
        return self.backoff_delay * 2 ** (retry_number - 1)


@dataclass(frozen=True)
class Subscription:
    """One Trigger: exact-match attribute filter → subscriber function."""

    name: str
    subscriber: str
    filter: Mapping[str, str]
    delivery: Delivery

    def matches(self, attributes: Mapping[str, Any]) -> bool:
        # Knative: every filter attribute must be equal; "" matches any value.
        for key, want in self.filter.items():
            have = attributes.get(key)
            if have is None or (want != "" and str(have) != str(want)):
                return False
        return True


@dataclass(frozen=True)
class PingSchedule:
    """One PingSource: cron ``schedule`` in ``timezone`` → ``data`` to ``sink``."""

    name: str
    schedule: str
    sink: str
    data: str = ""
    content_type: str = "application/json"
    timezone: str = "UTC"
    namespace: str = "default"

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return next(CronSim(self.schedule, local)).astimezone(UTC)

    def event(self) -> CloudEvent:
        return CloudEvent(
            {
                "type": PING_TYPE,
                "source": f"/apis/v1/namespaces/{self.namespace}/pingsources/{self.name}",
                "id": str(uuid.uuid4()),
                "datacontenttype": self.content_type,
            },
            self.data.encode(),
        )


DEFAULT_PING_DELIVERY = Delivery(retry=2, backoff_delay=1.0)


def _documents(paths: Iterable[Path]) -> Iterable[dict[str, Any]]:
    for path in paths:
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        for file in files:
            for doc in yaml.safe_load_all(file.read_text(encoding="utf-8")):
                if isinstance(doc, dict) and isinstance(doc.get("spec"), dict):
                    yield doc


def load_manifests(
    manifests: Path | str | Iterable[Path | str] = DEFAULT_MANIFESTS,
) -> tuple[list[Subscription], list[PingSchedule]]:
    """Triggers and PingSources found in a folder (recursively) or files."""
    paths = [Path(manifests)] if isinstance(manifests, str | Path) else map(Path, manifests)
    subs: list[Subscription] = []
    pings: list[PingSchedule] = []
    for doc in _documents(paths):
        api, kind, spec = doc.get("apiVersion", ""), doc.get("kind"), doc["spec"]
        meta = doc.get("metadata") or {}
        if kind == "Trigger" and api.startswith("eventing.knative.dev/"):
            ref = (spec.get("subscriber") or {}).get("ref") or {}
            if not ref.get("name"):
                continue
            subs.append(
                Subscription(
                    name=meta["name"],
                    subscriber=ref["name"],
                    filter=dict((spec.get("filter") or {}).get("attributes") or {}),
                    delivery=Delivery.from_spec(spec.get("delivery")),
                )
            )
        elif kind == "PingSource" and api.startswith("sources.knative.dev/"):
            ref = (spec.get("sink") or {}).get("ref") or {}
            if not ref.get("name"):
                continue
            pings.append(
                PingSchedule(
                    name=meta["name"],
                    schedule=spec["schedule"],
                    sink=ref["name"],
                    data=spec.get("data", ""),
                    content_type=spec.get("contentType", "application/json"),
                    timezone=spec.get("timezone") or "UTC",
                    namespace=meta.get("namespace", "default"),
                )
            )
    return subs, pings


@dataclass(frozen=True)
class DeadLetter:
    subscription: str
    subscriber: str
    event: Mapping[str, Any]  # the CloudEvent's attributes
    attempts: int
    error: str


@dataclass
class _Job:
    name: str  # trigger or PingSource name
    subscriber: str
    event: CloudEvent
    delivery: Delivery
    attempt: int = 0


@dataclass
class _Stats:
    accepted: int = 0
    delivered: int = 0
    dead: int = 0
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)  # (sub, fn, id)


def _json_log(level: int, msg: str, **fields: Any) -> None:
    log.log(level, json.dumps({"msg": msg, **fields}, default=str, sort_keys=True))


class EventBus:
    """Broker + Triggers + PingSources for one machine (see the module docstring)."""

    def __init__(
        self,
        resolve: Callable[[str], str],
        manifests: Path | str | Iterable[Path | str] = DEFAULT_MANIFESTS,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 30.0,
        workers: int = 4,
        backoff_scale: float = 1.0,
        schedules: bool = True,
        ping_delivery: Delivery = DEFAULT_PING_DELIVERY,
    ) -> None:
        self.subscriptions, self.pings = load_manifests(manifests)
        self.resolve = resolve
        self.host, self._port = host, port
        self.timeout = timeout
        self.backoff_scale = backoff_scale  # tests shrink the Trigger backoff with this
        self.schedules_enabled = schedules
        self.ping_delivery = ping_delivery
        self.dead_letters: list[DeadLetter] = []
        self.stats = _Stats()
        self._n_workers = workers
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: BaseWSGIServer | None = None
        self._client: httpx.Client | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        return self._server.port if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> EventBus:
        if self._server is not None:
            return self
        self._stop.clear()
        self._client = httpx.Client(timeout=self.timeout)
        self._server = make_server(self.host, self._port, self._wsgi, threaded=True)
        server = self._server
        self._spawn(lambda: server.serve_forever(poll_interval=0.05), "eventbus-http")
        for i in range(self._n_workers):
            self._spawn(self._worker, f"eventbus-worker-{i}")
        if self.schedules_enabled and self.pings:
            self._spawn(self._scheduler, "eventbus-cron")
        _json_log(
            logging.INFO,
            "event bus started",
            url=self.url,
            triggers=[s.name for s in self.subscriptions],
            pingsources=[p.name for p in self.pings],
        )
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is None:
            return
        self._stop.set()
        self._server.shutdown()
        for _ in range(self._n_workers):
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout)
        self._server.server_close()
        if self._client is not None:
            self._client.close()
        self._server, self._client, self._threads = None, None, []
        with self._idle:
            self._idle.notify_all()

    def __enter__(self) -> EventBus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    # ------------------------------------------------------------------ publishing

    def publish(self, event: CloudEvent) -> list[str]:
        """Queue ``event`` for every matching Trigger; returns the subscriber names."""
        attrs = dict(event.get_attributes())
        matched = [s for s in self.subscriptions if s.matches(attrs)]
        with self._idle:
            self.stats.accepted += 1
            self._pending += len(matched)
        for sub in matched:
            self._queue.put(_Job(sub.name, sub.subscriber, event, sub.delivery))
        _json_log(
            logging.INFO,
            "event accepted",
            id=attrs.get("id"),
            type=attrs.get("type"),
            source=attrs.get("source"),
            subscribers=[s.subscriber for s in matched],
        )
        return [s.subscriber for s in matched]

    def fire(self, schedule_name: str) -> CloudEvent:
        """Send one ping of the named PingSource now (asynchronously)."""
        for ping in self.pings:
            if ping.name == schedule_name:
                event = ping.event()
                with self._idle:
                    self._pending += 1
                self._queue.put(_Job(ping.name, ping.sink, event, self.ping_delivery))
                _json_log(logging.INFO, "ping", pingsource=ping.name, sink=ping.sink)
                return event
        raise KeyError(schedule_name)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or being delivered; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    # ------------------------------------------------------------------ delivery

    def _worker(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._deliver(job)
            except Exception as exc:  # never lose the worker
                self._dead(job, f"internal error: {exc!r}")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _deliver(self, job: _Job) -> None:
        assert self._client is not None
        headers, body = to_binary(job.event)
        error = ""
        while True:
            job.attempt += 1
            retryable = True
            try:
                url = self.resolve(job.subscriber)
                resp = self._client.post(url, headers=headers, content=body)
                if 200 <= resp.status_code < 300:
                    with self._idle:
                        self.stats.delivered += 1
                        self.stats.deliveries.append(
                            (job.name, job.subscriber, str(job.event["id"]))
                        )
                    _json_log(
                        logging.INFO,
                        "delivered",
                        id=job.event["id"],
                        type=job.event["type"],
                        subscription=job.name,
                        subscriber=job.subscriber,
                        attempt=job.attempt,
                        status=resp.status_code,
                    )
                    return
                error = f"HTTP {resp.status_code}"
                retryable = resp.status_code >= 500 or resp.status_code in RETRYABLE_STATUS
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            retry_number = job.attempt  # retries done so far + 1
            if not retryable or retry_number > job.delivery.retry or self._stop.is_set():
                self._dead(job, error)
                return
            delay = job.delivery.delay(retry_number) * self.backoff_scale
            _json_log(
                logging.WARNING,
                "delivery failed, retrying",
                id=job.event["id"],
                subscription=job.name,
                subscriber=job.subscriber,
                attempt=job.attempt,
                error=error,
                retry_in_s=round(delay, 3),
            )
            if self._stop.wait(delay):
                self._dead(job, f"{error} (bus stopped)")
                return

    def _dead(self, job: _Job, error: str) -> None:
        attrs = dict(job.event.get_attributes())
        with self._idle:
            self.stats.dead += 1
            self.dead_letters.append(
                DeadLetter(job.name, job.subscriber, attrs, job.attempt, error)
            )
        _json_log(
            logging.ERROR,
            "dead letter",
            subscription=job.name,
            subscriber=job.subscriber,
            dead_letter_sink=job.delivery.dead_letter_sink,
            attempts=job.attempt,
            error=error,
            event=attrs,
        )

    # ------------------------------------------------------------------ cron

    def _scheduler(self) -> None:
        now = datetime.now(UTC)
        due = {p.name: p.next_after(now) for p in self.pings}
        while not self._stop.is_set():
            now = datetime.now(UTC)
            for ping in self.pings:
                if due[ping.name] <= now:
                    self.fire(ping.name)
                    due[ping.name] = ping.next_after(now)
            wait = (min(due.values()) - datetime.now(UTC)).total_seconds()
            self._stop.wait(min(max(wait, 0.05), 30.0))  # re-check the clock often

    # ------------------------------------------------------------------ ingress

    def _wsgi(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.method == "GET" and request.path == "/healthz":
            return _json({"status": "ok", "pending": self._pending})
        if request.method != "POST":
            return _json({"error": "method not allowed"}, 405)
        body = request.get_data()
        if request.path == "/s3-webhook":
            # Compose points the store's webhook here until s3-notify is wired.
            _json_log(logging.INFO, "s3 webhook (no s3-notify function wired)", bytes=len(body))
            return _json({"status": "ignored"}, 202)
        try:
            event = from_http(dict(request.headers), body)
        except GenericException as exc:
            _json_log(logging.WARNING, "rejected: not a CloudEvent", error=str(exc))
            return _json({"error": f"not a CloudEvent: {exc}"}, 400)
        subscribers = self.publish(event)
        return _json({"id": event["id"], "subscribers": subscribers}, 202)


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--url-template",
        default="http://127.0.0.1:8080/_events/{name}",
        help="subscriber URL per function name (default: the dev gateway's /_events/)",
    )
    parser.add_argument("--manifests", type=Path, default=DEFAULT_MANIFESTS)
    parser.add_argument("--no-schedules", action="store_true", help="do not run PingSources")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # keep stdout JSON lines only
    bus = EventBus(
        resolve=lambda name: args.url_template.format(name=name),
        manifests=args.manifests,
        host=args.host,
        port=args.port,
        schedules=not args.no_schedules,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    bus.start()
    print(f"co2calc event bus on {bus.url}", flush=True)
    done.wait()
    bus.stop()


if __name__ == "__main__":
    main()
