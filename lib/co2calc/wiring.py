"""The one route and wiring table of co2calc.

Which function serves which ``/api/<prefix>``, which CloudEvent types reach
which function through the Broker, and which schedules (PingSources) exist.
The dev gateway and the dev event bus are driven from this table, and a test
checks that ``knative/`` and ``compose.yaml`` agree with it.

A function's code lives in ``functions/<name>/main.py`` and exposes one entry
point named ``<name with - replaced by _>_<kind>`` (unique names, because the
Functions Framework registers functions by their ``__name__``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EVENT_FUNCTIONS",
    "FUNCTIONS",
    "HTTP_FUNCTIONS",
    "REPO_ROOT",
    "EventFunction",
    "HttpFunction",
    "Schedule",
    "function_by_name",
    "http_function_for_path",
]

REPO_ROOT = Path(__file__).resolve().parents[2]

# CloudEvent types produced and consumed inside co2calc.
YEAR_CREATED = "ch.co2calc.year.created"
RECALC_REQUESTED = "ch.co2calc.recalculation.requested"
S3_OBJECT_CREATED = "com.amazonaws.s3.ObjectCreated:Put"
PING = "dev.knative.sources.ping"


@dataclass(frozen=True)
class HttpFunction:
    name: str
    prefix: str
    public: bool = True  # reachable through the ingress (False: cluster-local)
    exact_paths: tuple[str, ...] = ()  # further paths served exactly (ingress pathType Exact)

    @property
    def target(self) -> str:
        return f"{self.name.replace('-', '_')}_http"

    @property
    def source(self) -> str:
        return f"functions/{self.name}/main.py"


@dataclass(frozen=True)
class Schedule:
    """A PingSource: ``cron`` in UTC, ``task`` sent as the JSON payload."""

    name: str
    cron: str
    task: str


@dataclass(frozen=True)
class EventFunction:
    name: str
    triggers: tuple[str, ...] = ()  # CloudEvent types delivered by Broker Triggers
    schedules: tuple[Schedule, ...] = field(default_factory=tuple)
    cpus: int = 1  # container CPU limit; > 1 for functions with worker processes
    env: tuple[tuple[str, str], ...] = ()  # function-specific settings

    @property
    def target(self) -> str:
        return f"{self.name.replace('-', '_')}_event"

    @property
    def source(self) -> str:
        return f"functions/{self.name}/main.py"


HTTP_FUNCTIONS: tuple[HttpFunction, ...] = (
    HttpFunction("auth", "/api/auth"),
    HttpFunction("units", "/api/units"),
    HttpFunction("years", "/api/years"),
    HttpFunction("factors", "/api/factors"),
    HttpFunction("reports", "/api/reports"),
    HttpFunction("headcount", "/api/headcount"),
    HttpFunction("travel", "/api/travel"),
    HttpFunction("buildings", "/api/buildings"),
    HttpFunction("equipment", "/api/equipment"),
    HttpFunction("purchases", "/api/purchases"),
    HttpFunction("cloud-ai", "/api/cloud-ai"),
    HttpFunction("process-emissions", "/api/process-emissions"),
    HttpFunction("research-facilities", "/api/research-facilities"),
    HttpFunction("results", "/api/results"),
    HttpFunction("reporting", "/api/reporting"),
    HttpFunction("audit", "/api/audit"),
    HttpFunction("uploads", "/api/uploads"),
    HttpFunction("s3-notify", "/api/s3-notify", public=False),
    HttpFunction("docs", "/api/docs", exact_paths=("/api/openapi.json",)),
)

EVENT_FUNCTIONS: tuple[EventFunction, ...] = (
    EventFunction(
        "directory-sync",
        triggers=(YEAR_CREATED,),
        schedules=(Schedule("directory-sync-nightly", "15 2 * * *", "directory-sync"),),
    ),
    EventFunction(
        "calculate",
        triggers=(RECALC_REQUESTED,),
        # a run holds 4 connections (its job, the entry cursor, 2 writers); requests that
        # arrive meanwhile (queued behind the run, or another year) need one each
        env=(("CO2CALC_DB_POOL_MAX", "12"),),
    ),
    # S3 → s3-notify, and AWS S3 → SQS → IntegrationSource (aws.sqs)
    EventFunction(
        "ingest",
        triggers=(S3_OBJECT_CREATED, "dev.knative.connector.event.aws-sqs"),
        cpus=2,  # the importer writes while its chunk workers validate and compute
        # an import holds its write transaction and takes a second connection for its
        # progress: two per request (containerConcurrency 4)
        env=(("CO2CALC_IMPORT_WORKERS", "2"), ("CO2CALC_DB_POOL_MAX", "8")),
    ),
    EventFunction(
        "refresh",
        schedules=(Schedule("refresh-nightly", "30 3 * * *", "refresh"),),
    ),
    EventFunction(
        "maintenance",
        schedules=(Schedule("maintenance-every-10-min", "*/10 * * * *", "maintenance"),),
    ),
)

FUNCTIONS: tuple[HttpFunction | EventFunction, ...] = HTTP_FUNCTIONS + EVENT_FUNCTIONS


def function_by_name(name: str) -> HttpFunction | EventFunction:
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(name)


def http_function_for_path(path: str) -> HttpFunction | None:
    """Longest-prefix match of a request path onto the HTTP functions."""
    best: HttpFunction | None = None
    for fn in HTTP_FUNCTIONS:
        if path in fn.exact_paths:
            return fn
        if (path == fn.prefix or path.startswith(fn.prefix + "/")) and (
            best is None or len(fn.prefix) > len(best.prefix)
        ):
            best = fn
    return best
