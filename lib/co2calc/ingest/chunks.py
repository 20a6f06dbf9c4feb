"""The importer's CPU work, one chunk of rows at a time, off the writing thread.

A chunk is ``import_batch_rows`` parsed rows (line number, cells). :func:`build_chunk`
validates each row, finds its unit (institution-wide files), computes the valid ones
with the engine and formats entry and emission rows as COPY text — everything but
the write, which stays in the import's one transaction (``co2calc.ingest.run``).

Chunks run in a small pool of worker processes (``CO2CALC_IMPORT_WORKERS``, default
2; 0 = one thread of the importing process): validation and the engine are pure
Python, so threads of one process would share one core (the GIL), while the writing
thread mostly waits for PostgreSQL. Workers are started from a fork server that has
imported this module (the engine, the entry models) once, by the process's first import
(about 0.7 s), and kept — never at module import: functions-framework imports the
function in gunicorn's master, which forks the serving process afterwards, and a pool
does not survive a fork (its threads and its fork server stay with the parent). They
leave when their process is gone. Each worker opens its own
database connection on first use, for the import's reference data (factor set,
rates) and the owners of travel rows; entry ids are allocated by the importer, in
file order. It computes with the factor set and reference data the
importer's transaction saw (``ChunkSpec.stamp``): if they changed since, the chunk
raises :class:`ReferenceChanged` and the job is retried from the start.

Results come back in submission order, so row errors keep the file's order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

from co2calc.ingest.errors import IngestError, RowError

__all__ = [
    "OWNER_FIELD",
    "ChunkResult",
    "ChunkSpec",
    "ReferenceChanged",
    "build_chunk",
    "executor",
    "reset_executor",
    "shutdown",
    "warm",
]

OWNER_FIELD = "traveller_id"  # travel rows belong to the traveller's user, when known

type Lines = Sequence[tuple[int, list[str]]]


class ReferenceChanged(IngestError):
    """The factor set or reference data changed while the import ran (retryable)."""


@dataclass(frozen=True)
class ChunkSpec:
    """What every chunk of one import shares (pickled with each chunk: keep it small)."""

    job_id: str
    year: int
    module: str
    submodule: str
    unit_id: int | None  # None: institution-wide file (a unit column names the unit)
    header: tuple[str, ...]  # normalised column names, as checked
    actor: int | None
    stamp: tuple  # co2calc.db.factorstore.reference_stamp seen by the importer
    reports: Mapping[int, tuple[int, str]]  # unit id → (report id, status)
    units: Mapping[str, int] = field(default_factory=dict)  # unit code → id (institution)
    valid_rows_only: bool = False  # else one invalid row means nothing is written
    max_errors: int = 10_000  # row errors kept per chunk (the rest are only counted)


@dataclass
class ChunkResult:
    read: int = 0
    valid: int = 0
    rejected: int = 0
    error_count: int = 0  # problems, all counted (a row may have several)
    errors: list[RowError] = field(default_factory=list)  # the first max_errors of them
    rows: Any = None  # co2calc.ingest.bulk.Rows of the valid rows (None when none)
    seconds: dict[str, float] = field(default_factory=dict)  # thread CPU per step


_validators: dict[tuple, Any] = {}


def _validator(spec: ChunkSpec) -> Any:
    from co2calc.ingest.columns import layout
    from co2calc.ingest.rows import RowValidator

    key = (spec.module, spec.submodule, spec.unit_id is None, spec.header)
    v = _validators.get(key)
    if v is None:
        if len(_validators) >= 64:  # headers vary (column order): keep the cache bounded
            _validators.clear()
        lay = layout(spec.module, spec.submodule, spec.unit_id is None)
        v = _validators[key] = RowValidator(spec.module, spec.submodule, lay, list(spec.header))
    return v


def build_chunk(spec: ChunkSpec, lines: Lines, ids: Sequence[int]) -> ChunkResult:
    """Validate, compute and format one chunk (in a worker process or thread).

    ``ids``: entry ids allocated by the importer, one per line (in file order; the
    valid rows take the first ones)."""
    import time

    from co2calc.db import ingest as sql
    from co2calc.db import transaction
    from co2calc.db.factorstore import reference_stamp
    from co2calc.factorstore import calc_context
    from co2calc.ingest.bulk import BulkTarget, build_rows

    t0 = time.thread_time()
    out = ChunkResult()
    validator = _validator(spec)
    institution = spec.unit_id is None
    valid: list[tuple[Any, int]] = []  # (entry, unit id)
    for line, cells in lines:
        out.read += 1
        entry, unit_code, errors = validator.validate(line, cells)
        unit_id = spec.unit_id
        if not errors and institution:
            unit_id = spec.units.get(unit_code or "")
            rep = spec.reports.get(unit_id) if unit_id else None
            if unit_id is None:
                errors = [RowError(line, "unit", unit_code or "", "unknown unit code")]
            elif rep is None or rep[1] == "signed_off":
                why = "no report" if rep is None else "report signed off"
                errors = [RowError(line, "unit", unit_code or "", f"{why} for {spec.year}")]
        if errors:
            out.rejected += 1
            out.error_count += len(errors)
            if len(out.errors) < spec.max_errors:
                out.errors.extend(errors[: spec.max_errors - len(out.errors)])
            continue
        out.valid += 1
        valid.append((entry, unit_id))  # type: ignore[arg-type]
    t1 = time.thread_time()
    out.seconds["validate_s"] = t1 - t0
    if not valid or (out.rejected and not spec.valid_rows_only):
        return out  # all or nothing: this file will not be written
    has_owner = OWNER_FIELD in type(valid[0][0]).model_fields
    with transaction(all_units=True) as conn:
        if reference_stamp(conn, spec.year) != spec.stamp:
            raise ReferenceChanged(
                f"the factor set or reference data of {spec.year} changed during the import"
            )
        ctx = calc_context(conn, spec.year, stamp=spec.stamp)  # (just checked: no 2nd read)
        owners: dict[str, int] = {}
        if has_owner:
            people = {getattr(e, OWNER_FIELD) for e, _ in valid} - {None}
            owners = sql.users_by_person_id(conn, sorted(people)) if people else {}
        items = [
            (e, u, owners.get(getattr(e, OWNER_FIELD) or "") if has_owner else None)
            for e, u in valid
        ]
        target = BulkTarget(
            spec.year,
            spec.module,
            spec.submodule,
            source="import",
            import_job=spec.job_id,
            actor=spec.actor,
        )
        reports = {u: {"id": r[0]} for u, r in spec.reports.items()}
        # computed and formatted as COPY text here: the writer only sends bytes
        out.rows = build_rows(conn, target, items, ids[: len(items)], reports, ctx)
    out.seconds["compute_s"] = time.thread_time() - t1
    return out


# -- the pool ---------------------------------------------------------------------------

_lock = threading.Lock()
_executor: Executor | None = None
_executor_workers = -1


def executor() -> Executor:
    """The process's chunk executor: worker processes, or one thread when configured 0."""
    global _executor, _executor_workers
    from co2calc.settings import get_settings

    workers = get_settings().import_workers
    with _lock:
        if _executor is None or _executor_workers != workers:
            old = _executor
            if workers == 0:
                from concurrent.futures import ThreadPoolExecutor

                _executor = ThreadPoolExecutor(1, thread_name_prefix="ingest-chunks")
            else:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                mp = multiprocessing.get_context("forkserver")
                mp.set_forkserver_preload([__name__, "co2calc.ingest.bulk"])
                _executor = ProcessPoolExecutor(
                    workers, mp_context=mp, initializer=_worker_init, initargs=(os.getpid(),)
                )
            _executor_workers = workers
            if old is not None:
                old.shutdown(wait=False, cancel_futures=True)
        return _executor


# Young-generation threshold of the cyclic garbage collector in a worker (CPython's
# default: 2,000). A chunk allocates ~10 container objects per row (cells, entry model,
# result rows, COPY tuples), all alive until the chunk is formatted, so with the default
# the collector ran every ~200 rows and kept re-scanning the chunk's survivors in the
# older generations: measured (100,000 travel rows in chunks of 5,000, one thread, the
# bench database) 2.78 s of CPU with the defaults, 1.94 s with 50,000, 1.87 s with the
# collector off. Nothing a chunk builds is cyclic (reference counting frees it); the
# collector still runs, every 50,000 net allocations.
WORKER_GC_THRESHOLD = 50_000


def _worker_init(parent: int) -> None:
    """Worker initializer: tune the garbage collector (above; the modules imported by the
    fork server are frozen out of it) and leave when the importing process is gone."""
    import gc

    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    _exit_with(parent)


def _exit_with(parent: int) -> None:
    """Leave when the importing process is gone. A process ended by a signal does not shut
    its pool down, and a worker waiting for work would wait forever (it holds its queue's
    write end itself)."""
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="ingest-parent-watch", daemon=True).start()


def shutdown() -> None:
    """Stop the workers (the one-machine stack calls this when it stops)."""
    global _executor
    with _lock:
        ex, _executor = _executor, None
    if ex is not None:
        ex.shutdown(wait=True, cancel_futures=True)


def reset_executor(broken: Executor) -> None:
    """Forget ``broken`` (a worker died): the next import starts a new pool."""
    global _executor
    with _lock:
        if _executor is broken:
            _executor = None
    broken.shutdown(wait=False, cancel_futures=True)


def _ready() -> bool:
    from co2calc.ingest import bulk, columns, rows  # noqa: F401  (the engine, the models)

    return True


def warm() -> list[Future]:
    """Start the workers now (in the background) rather than at the first import — in the
    serving process only (see the module docstring)."""
    ex = executor()
    return [ex.submit(_ready) for _ in range(max(1, _executor_workers))]
