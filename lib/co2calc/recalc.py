"""Recalculation of a slice of entries after factors or reference data changed.

A slice is a reporting year, optionally one module and/or one unit. The
``calculate`` function receives ``ch.co2calc.recalculation.requested`` events
(:class:`RecalcRequest`); :func:`recalculate` is the same entry point for tests
and the bench.

How it runs:

- The request becomes a ``job`` row of kind ``recalc`` unless a pending job
  already covers the slice (duplicates coalesce). A job that is *running*
  does not absorb a request: it may already have passed the entries the new
  request is about, so a new pending job is queued behind it.
- One runner per year (session advisory lock) drains the year's pending jobs;
  a request arriving while another process runs the year returns ``queued``
  and that runner picks it up before it lets go of the year.
- Entries of signed-off reports are skipped (frozen).
- A job of scope ``factors`` (only the active factor set changed: the factors
  function asks so) first re-values in SQL the rows of a values-only change
  (:func:`plan_rows`, ``co2calc.db.recalc.revalue_batch``; docs/recalculation.md
  says when and why it equals the engine; rows priced with a class ratio
  included), then runs the engine only on the entries still holding a row of an
  older version (skipped when the SQL re-valued every stale row it counted).
  Scope ``all``: the engine recomputes every entry of the slice.
- The engine path streams entries through
  a server-side cursor in batches; each batch is computed with the engine,
  formatted as COPY text, and written by a writer thread on its own connection
  (``co2calc.db.emissions.write_recomputed``: COPY into temporary tables, then
  one round trip of set-based statements), so Python computes batch *n + 1*
  while PostgreSQL writes batch *n*.

Stored entry data was validated when it was written, but it comes back from
``jsonb`` as JSON types (amounts as strings, dates as text). The entry models
are still the one place that turns those into ``Decimal``/``date``/enums, and
pydantic-core's ``model_validate`` is faster than ``model_construct`` plus
hand-written conversions (measured: ~3.5 µs vs ~6 µs per entry), so stored
data goes through the model. It is read as JSON text and validated with
``model_validate_json`` (reading ``jsonb`` into Python objects first cost more
than the validation: 8.4 vs 2.4 µs per entry to fetch); an entry that no longer validates
(model tightened since) is counted as ``invalid`` and left as it was.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from decimal import Decimal
from itertools import pairwise
from math import hypot
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from co2calc.calc.tree import PURCHASE_SUBMODULES
from co2calc.db import recalc as sql
from co2calc.obs import log_event

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.calc import CalcContext
    from co2calc.factors.model import Factor, FactorSet

__all__ = [
    "MAX_ATTEMPTS",
    "SET_BASED",
    "ConnFactory",
    "RecalcRequest",
    "auxiliary_of",
    "handle_event",
    "plan_rows",
    "recalculate",
    "request_recalculation",
    "values_only",
]

type ConnFactory = Callable[[], AbstractContextManager[Connection]]

Module = Literal[
    "headcount",
    "travel",
    "buildings",
    "equipment",
    "purchases",
    "cloud-ai",
    "process-emissions",
    "research-facilities",
]

MAX_ATTEMPTS = 3
LEASE_S = 300  # a batch renews it; maintenance re-drives a job whose lease ran out
BATCH_SIZE = 5000
WRITERS = 2  # writer connections (PostgreSQL writes two batches at once)


Scope = Literal["all", "factors"]


class RecalcRequest(BaseModel):
    """Data of a ``ch.co2calc.recalculation.requested`` CloudEvent.

    ``scope``: ``factors`` when the only change is the year's active factor set
    (the factors function sends it on load/activation), which lets values-only
    changes take the set-based path; ``all`` (the default) recomputes every entry.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    year: int = Field(ge=2000, le=2100)
    module: Module | None = None
    unit_id: int | None = Field(default=None, ge=1)
    reason: str = Field(default="", max_length=200)
    scope: Scope = "all"


def request_recalculation(
    conn: Connection,
    *,
    year: int,
    module: str | None = None,
    unit_id: int | None = None,
    reason: str = "",
    scope: Scope = "all",
) -> tuple[str, bool]:
    """Queue a slice (in the caller's transaction); ``(job id, created)``."""
    job, created = sql.request_job(
        conn, year=year, module=module, unit_id=unit_id, reason=reason, scope=scope
    )
    return job["id"], created


def recalculate(
    conn_factory: ConnFactory,
    *,
    year: int,
    module: str | None = None,
    unit_id: int | None = None,
    reason: str = "",
    scope: Scope = "all",
    batch_size: int = BATCH_SIZE,
    writers: int = WRITERS,
) -> dict[str, Any]:
    """Queue the slice and run the year's pending jobs unless another runner has the year.

    Returns ``{"job_id", "status", …}``: ``status`` is ``succeeded`` when this
    call ran the job (with ``entries``, ``written``, ``invalid``, ``seconds``,
    ``entries_per_s``), ``coalesced`` when a pending job already covered the
    slice and another runner owns the year, ``queued`` when it waits behind a
    running job of another process. Raises on database errors (the job goes
    back to pending, or to failed after :data:`MAX_ATTEMPTS`).
    """
    with conn_factory() as conn, conn.transaction():
        sql.set_system_scope(conn)
        job_id, created = request_recalculation(
            conn, year=year, module=module, unit_id=unit_id, reason=reason, scope=scope
        )
    ran = run_pending(conn_factory, year, batch_size=batch_size, writers=writers)
    if job_id in ran:
        return {"job_id": job_id, "status": "succeeded", **ran[job_id]}
    for stats in ran.values():  # a wider job ran and absorbed ours
        return {"job_id": job_id, "status": "coalesced", **stats}
    return {"job_id": job_id, "status": "queued" if created else "coalesced"}


def run_pending(
    conn_factory: ConnFactory, year: int, *, batch_size: int = BATCH_SIZE, writers: int = WRITERS
) -> dict[str, dict[str, Any]]:
    """Drain the year's pending jobs if no other runner holds the year; stats per job run."""
    done: dict[str, dict[str, Any]] = {}
    with conn_factory() as conn:
        while True:
            with conn.transaction():
                if not sql.try_lock_year(conn, year):
                    return done  # the holder drains what we queued
            try:
                while True:
                    with conn.transaction():
                        job = sql.claim_next(conn, year, LEASE_S)
                    if job is None:
                        break
                    done[job["id"]] = _run_job(conn_factory, conn, job, batch_size, writers)
            finally:
                with conn.transaction():
                    sql.unlock_year(conn, year)
            with conn.transaction():  # a request may have slipped in while we unlocked
                if not sql.has_pending(conn, year):
                    return done


def _run_job(
    conn_factory: ConnFactory,
    wconn: Connection,
    job: Mapping[str, Any],
    batch_size: int,
    writers: int = 1,
) -> dict[str, Any]:
    started = time.perf_counter()
    counts = {"read": 0, "written": 0, "invalid": 0}
    timings = {"read_s": 0.0, "compute_s": 0.0, "wait_writer_s": 0.0, "write_s": 0.0}
    extra: dict[str, Any] = {}
    try:
        if (job.get("options") or {}).get("scope") == "factors":
            extra = _set_based(conn_factory, wconn, job, writers)
        # after the SQL pass, the engine takes the entries still holding an old row — none
        # when the SQL re-valued every stale row the plan scan counted (finding that out
        # would cost a scan of the year's rows: ~1 s per million)
        if not extra or extra["set_rows"] != extra["stale_rows"]:
            _engine(
                conn_factory, wconn, job, batch_size, writers, counts, timings, extra.get("current")
            )
    except Exception as exc:
        _release(wconn, job, exc)
        raise
    engine_read = counts.pop("engine_read", 0)
    if extra:
        # entries recomputed: those re-valued in SQL + those the engine did (a
        # multi-row entry with a row the plan does not cover is completed by the
        # engine, which rewrites all its rows: it is counted in both)
        extra["engine_entries"] = engine_read
        extra["set_entries"] = extra["set_touched"]
        counts["read"] = extra["set_entries"] + engine_read
        counts["written"] += extra["set_entries"]
    with wconn.transaction():
        sql.finish_job(wconn, job["id"], read=counts["read"], written=counts["written"])
    seconds = time.perf_counter() - started
    stats = {
        "entries": counts["read"],
        "written": counts["written"],
        "invalid": counts["invalid"],
        "seconds": round(seconds, 3),
        "entries_per_s": round(counts["read"] / seconds) if seconds else 0,
        **{k: round(v, 3) for k, v in timings.items()},
        **{k: v for k, v in extra.items() if k != "current"},
    }
    log_event(
        "recalculated",
        job_id=job["id"],
        year=job["year"],
        module=job["module"],
        unit_id=job["unit_id"],
        **stats,
    )
    return stats


def _engine(
    conn_factory: ConnFactory,
    wconn: Connection,
    job: Mapping[str, Any],
    batch_size: int,
    writers: int,
    counts: dict[str, int],
    timings: dict[str, float],
    stale_of: str | None = None,
) -> None:
    """The engine path: stream the slice's entries (``stale_of``: only those still with
    a row of another factor version), compute, write through the writer threads."""
    from co2calc.db.emissions import copy_text
    from co2calc.factorstore import calc_context

    with ExitStack() as stack:
        conns = [wconn] + [stack.enter_context(conn_factory()) for _ in range(writers - 1)]
        rconn = stack.enter_context(conn_factory())
        stack.enter_context(rconn.transaction())
        sql.set_system_scope(rconn)
        ctx = calc_context(rconn, job["year"])
        writer = _Writer(conns, job["id"], counts)
        clock = time.perf_counter
        read_before = counts["read"]
        try:
            t0 = clock()
            for rows in sql.stream_entries(
                rconn,
                year=job["year"],
                module=job["module"],
                unit_id=job["unit_id"],
                batch_size=batch_size,
                stale_of=stale_of,
            ):
                t1 = clock()
                entries, emissions, invalid = _compute_batch(rows, job["year"], ctx)
                # formatted here: the writer thread only sends bytes (see copy_text)
                entries, emissions = copy_text(rconn, entries), copy_text(rconn, emissions)
                t2 = clock()
                counts["invalid"] += invalid
                writer.put(entries, emissions, len(rows))
                t3 = clock()
                timings["read_s"] += t1 - t0
                timings["compute_s"] += t2 - t1
                timings["wait_writer_s"] += t3 - t2
                t0 = t3
        finally:
            writer.close()
            timings["write_s"] += writer.seconds
        counts["engine_read"] = counts["read"] - read_before


# -- the set-based path ----------------------------------------------------------

# Calculators whose every row is ``kg = quantity × effective value of the row's
# factor`` and whose row uncertainty is ``hypot(factor uncertainty, activity
# uncertainty)`` (co2calc.calc.rows.make_row), proven over realistic entries by
# tests/integration/test_recalc_setbased_purity.py. A plane cabin or a first-class
# train priced with a class ratio is ``quantity × (factor × ratio)`` and is planned
# as such (:func:`_ratio_pricings`); rows that are neither (an agency override) are
# recognised per row (factor id, factor uncertainty or kg do not match) and go
# through the engine. Research facilities are not factor-set based (their
# "factor" is the facility footprint) and are left alone.
SET_BASED: frozenset[tuple[str, str]] = frozenset(
    (
        ("headcount", "members"),
        ("headcount", "students"),
        ("travel", "plane"),
        ("travel", "train"),
        ("buildings", "rooms"),
        ("buildings", "combustion"),
        ("purchases", "centralised"),
        ("cloud-ai", "cloud"),
        ("cloud-ai", "ai"),
        ("process-emissions", "gas"),
        ("equipment", "scientific"),
        ("equipment", "it"),
        ("equipment", "other"),
    )
) | frozenset(("purchases", sub) for sub in PURCHASE_SUBMODULES)


def auxiliary_of(f: Factor) -> frozenset[tuple[str, str]]:
    """Calculators that read ``f`` *besides* a row's own factor (a per-FTE quantity, an
    energy intensity, a unit conversion): a change of ``f`` sends all their entries
    through the engine. Proven complete by the purity test (every
    other factor, perturbed, leaves every result unchanged)."""
    m, s, k = f.module, f.submodule, f.key
    # (plane and train class ratios are read besides the row's own factor too, but the
    # plan prices those rows with them: see _ratio_pricings)
    if m == "headcount" and s == "additional" and k.endswith(":activity"):
        return frozenset({("headcount", "members"), ("headcount", "students")})
    if m == "buildings" and s == "intensity":
        return frozenset({("buildings", "rooms")})
    if m == "purchases" and s == "conversion":
        return frozenset({("purchases", "centralised")})
    return frozenset()


# Fields whose change leaves factor selection, units and money conversion as they
# were: the change is "values only". Anything else (unit, currency, base year,
# non-CO2 treatment, added or removed factors, another GWP set) → engine.
VALUE_FIELDS = frozenset(
    {"value", "uncertainty", "source", "source_table", "source_year", "licence", "notes"}
)


def values_only(old: FactorSet, new: FactorSet) -> set[tuple[str, str]] | None:
    """``None`` unless ``new`` differs from ``old`` in factor values/uncertainties (and
    provenance) only, under the same factor ids; else the calculators that must
    nevertheless go through the engine (an auxiliary factor changed)."""
    from co2calc.factors.diff import diff_factor_sets

    if old.gwp_set != new.gwp_set:
        return None
    if len({f.factor_id for f in old.factors}) != len(old.factors) or len(
        {f.factor_id for f in new.factors}
    ) != len(new.factors):
        return None  # factor ids are what rows refer to: they must be unambiguous
    diff = diff_factor_sets(old, new)
    if diff.added or diff.stale:
        return None
    engine: set[tuple[str, str]] = set()
    for c in diff.changed:
        if c.old.factor_id != c.new.factor_id or not set(c.fields) <= VALUE_FIELDS:
            return None
        engine |= auxiliary_of(c.old)
    return engine


def _activity_candidates(old: FactorSet) -> frozenset[float]:
    """Every activity uncertainty a calculator passes to ``make_row``: its constants and
    the uncertainties of factors used as activity data (0: none)."""
    from co2calc.calc import cloud_ai, equipment, process, purchases, travel

    consts = {
        0.0,
        0.02,  # combustion and cloud spend (literals in co2calc.calc)
        travel.PLANE_ACTIVITY_UNC,
        travel.TRAIN_ACTIVITY_UNC,
        travel.OVERRIDE_UNC,
        purchases.SPEND_ACTIVITY_UNC,
        equipment.MEASURED_HOURS_UNC,
        equipment.DEFAULT_HOURS_UNC,
        cloud_ai.AI_ACTIVITY_UNC,
        process.GAS_ACTIVITY_UNC,
    }
    return frozenset(consts | {float(f.uncertainty) for f in old.factors})


def _combined(fu: float, a: float) -> float:
    return hypot(fu, a) if a else fu  # exactly as co2calc.calc.rows.make_row


class _Pricing(NamedTuple):
    """How the engine prices a row of a factor id: ``kg = quantity × value`` with the
    row's factor uncertainty ``fu``, under the old and under the new set."""

    old_value: Decimal
    new_value: Decimal
    old_fu: float
    new_fu: float


def _ratio_pricings(old: FactorSet, new: FactorSet) -> dict[tuple[str, str, str], list[_Pricing]]:
    """Rows priced with a class ratio, by ``(module, submodule, factor id)`` of the row:
    the value is ``factor effective value × ratio value`` (one Decimal product, rounded
    by the default context as the engine rounds it) and the factor uncertainty
    ``hypot(factor's, ratio's)`` — exactly ``co2calc.calc.travel``'s ``_plane_factor``
    (a cabin without an explicit ``band:<band>:<cabin>`` factor, with a
    ``ratio:<band>:<cabin>`` one) and ``_train_route`` (first class, ``ratio:1st``).
    ``old`` and ``new`` have the same keys (values-only change)."""
    from co2calc.calc.entries.travel import CabinClass
    from co2calc.calc.travel import flight_bands

    out: dict[tuple[str, str, str], list[_Pricing]] = {}

    def add(sub: str, factor_key: str, ratio_key: str) -> None:
        o, r = old.get("travel", sub, factor_key), old.get("travel", sub, ratio_key)
        n, nr = new.get("travel", sub, factor_key), new.get("travel", sub, ratio_key)
        if o is None or r is None or n is None or nr is None:
            return
        out.setdefault(("travel", sub, o.factor_id), []).append(
            _Pricing(
                o.effective_value * r.value,
                n.effective_value * nr.value,
                hypot(float(o.uncertainty), float(r.uncertainty)),
                hypot(float(n.uncertainty), float(nr.uncertainty)),
            )
        )

    for _, _, band in flight_bands(old):
        for cabin in CabinClass:
            explicit = old.get("travel", "plane", f"band:{band}:{cabin}")
            if cabin != CabinClass.ECONOMY and explicit is None:
                add("plane", f"band:{band}", f"ratio:{band}:{cabin}")
    for f in old.select("travel", "train"):
        if not f.key.startswith("ratio:"):
            add("train", f.key, "ratio:1st")
    return out


# Two prices of one key whose old values are closer than this (relative) are not told
# apart by the row's kg (stored to 28 significant digits): such keys go to the engine.
_DISTINCT = Decimal("1e-20")


def plan_rows(
    old: FactorSet,
    new: FactorSet,
    keys: list[tuple[str, str, str, str, float, float]],
) -> list[tuple[Any, ...]]:
    """Plan rows (:data:`co2calc.db.recalc.PLAN_COLUMNS`) for the stale row keys of
    version ``old.version``; keys with no row here go through the engine.

    A key's rows are priced either with their own factor or, for plane cabins and
    first-class trains, with the factor times a class ratio (:func:`_ratio_pricings`).
    When one key has several prices (e.g. first class and premium economy of a band
    share the ratio uncertainty), the plan has one row per price and each is
    ``ambiguous``: the SQL accepts a row for a price only if its kg is exactly
    ``quantity × old value`` rounded as the engine rounds it, which holds for one
    price at most (their old values differ beyond 28 digits, and a zero kg is refused).
    """
    engine = values_only(old, new)
    if engine is None:
        return []
    old_by_id = {f.factor_id: f for f in old.factors}
    new_by_id = {f.factor_id: f for f in new.factors}
    ratio = _ratio_pricings(old, new)
    candidates = _activity_candidates(old)
    out: list[tuple[Any, ...]] = []
    for version, module, submodule, factor_id, fu, unc in keys:
        if (module, submodule) not in SET_BASED or (module, submodule) in engine:
            continue
        o, n = old_by_id.get(factor_id), new_by_id.get(factor_id)
        if o is None or n is None:
            continue  # not a factor of the set (an agency override): the engine
        own = _Pricing(
            o.effective_value, n.effective_value, float(o.uncertainty), float(n.uncertainty)
        )
        prices = [
            p for p in (own, *ratio.get((module, submodule, factor_id), ())) if p.old_fu == fu
        ]
        # one price per old value; two that cannot be told apart must agree on the result
        by_old: dict[Decimal, _Pricing] = {}
        for p in prices:
            q = by_old.setdefault(p.old_value, p)
            if (str(q.new_value), q.new_fu) != (str(p.new_value), p.new_fu):
                by_old = {}
                break
        if not by_old:
            continue
        values = sorted(by_old)
        if any(b - a <= b * _DISTINCT for a, b in pairwise(values)):
            continue
        ambiguous = len(by_old) > 1
        for p in by_old.values():
            if p.new_fu == fu:
                new_unc = unc
            else:  # recombine with the activity part, which must be recognised exactly
                outs = {_combined(p.new_fu, a) for a in candidates if _combined(fu, a) == unc}
                if len(outs) != 1:
                    continue  # rows of this price keep their old version: the engine
                new_unc = outs.pop()
            out.append(
                (
                    version,
                    module,
                    submodule,
                    factor_id,
                    fu,
                    unc,
                    str(p.old_value) != str(p.new_value),
                    ambiguous,
                    p.old_value,
                    p.new_value,
                    p.new_fu,
                    new_unc,
                )
            )
    return out


def _stored_set(conn: Connection, year: int, version: str) -> FactorSet | None:
    """A stored version of the year's set, or the shipped default of that version."""
    from co2calc.db import factors as factors_sql
    from co2calc.db import factorstore as store_sql
    from co2calc.factors import load_shipped_factor_set, parse_factor_rows
    from co2calc.factors.errors import FactorSetError

    try:  # a set that no longer parses (bounds tightened since): the engine path
        row = factors_sql.get_set(conn, year, version)
        if row is not None:
            return parse_factor_rows(
                store_sql.factor_rows(conn, row["id"]),
                version=version,
                year=year,
                gwp_set=row["gwp_set"],
            )
        shipped = load_shipped_factor_set(year)
    except FactorSetError:
        return None
    return shipped if shipped.version == version else None


def _set_based(
    conn_factory: ConnFactory, wconn: Connection, job: Mapping[str, Any], writers: int
) -> dict[str, Any]:
    """Re-value in SQL the rows of a values-only factor change; returns the stats and
    the current version (the engine pass then takes the entries still stale)."""
    from co2calc.factorstore import calc_context

    clock = time.perf_counter
    t0 = clock()
    year, module, unit_id = job["year"], job["module"], job["unit_id"]
    with conn_factory() as rconn, rconn.transaction():
        sql.set_system_scope(rconn)
        current = calc_context(rconn, year).factor_set
        slice_ = {"year": year, "module": module, "unit_id": unit_id, "current": current.version}
        keys = sql.stale_row_keys(rconn, **slice_)
        by_version: dict[str, list[tuple[str, str, str, str, float, float]]] = {}
        for k in keys:
            by_version.setdefault(k[0], []).append(k[:6])
        plan: list[tuple[Any, ...]] = []
        for version, vkeys in by_version.items():
            old = _stored_set(rconn, year, version)
            if old is not None:
                plan += plan_rows(old, current, vkeys)
    t1 = clock()
    stats: dict[str, Any] = {
        "set_rows": 0,
        "set_touched": 0,
        "totals_changed": 0,
        "set_read": 0,
        "current": current.version,
    }
    if plan:
        _revalue_all(conn_factory, wconn, job, plan, _id_ranges(keys), stats, writers)
    t2 = clock()
    return {
        **stats,
        "stale_rows": sum(k[6] for k in keys),
        "plan_keys": len(keys),
        "plan_rows": len(plan),
        "plan_s": round(t1 - t0, 3),
        "set_s": round(t2 - t1, 3),
    }


def _id_ranges(keys: list[tuple[Any, ...]]) -> list[tuple[int, int, int]]:
    """Entry id ranges ``(first, last, expected rows)`` of about :data:`SET_BATCH` stale
    rows each (ids of a year are dense enough: assigned as entries are created)."""
    rows = sum(k[6] for k in keys)
    lo, hi = min(k[7] for k in keys), max(k[8] for k in keys)
    n = max(1, -(-rows // SET_BATCH))
    width = -(-(hi - lo + 1) // n)
    return [(a, min(a + width - 1, hi), -(-rows // n)) for a in range(lo, hi + 1, width)]


SET_BATCH = 20_000  # entries per set-based transaction


def _revalue_all(
    conn_factory: ConnFactory,
    wconn: Connection,
    job: Mapping[str, Any],
    plan: list[tuple[Any, ...]],
    batches: list[tuple[int, int, int]],
    stats: dict[str, Any],
    writers: int,
) -> None:
    """Batches ``(first id, last id, stale entries)`` re-valued on ``writers`` connections
    at once (disjoint id ranges), each in its own transaction with the job's progress."""
    slice_ = {
        "year": job["year"],
        "module": job["module"],
        "unit_id": job["unit_id"],
        "current": stats["current"],
    }
    lock = threading.Lock()
    todo = iter(batches)
    errors: list[BaseException] = []

    def work(conn: Connection) -> None:
        with conn.transaction():
            sql.load_plan(conn, plan)
        while not errors:
            with lock:
                batch = next(todo, None)
            if batch is None:
                return
            lo, hi, n = batch
            with conn.transaction():
                sql.set_system_scope(conn)
                rows, touched, totals = sql.revalue_batch(conn, **slice_, lo=lo, hi=hi)
                with lock:
                    stats["set_rows"] += rows
                    stats["set_touched"] += touched
                    stats["totals_changed"] += totals
                    done = stats["set_read"] = stats["set_read"] + n
                sql.progress(conn, job["id"], read=done, written=done, lease_s=LEASE_S)

    def guarded(conn: Connection) -> None:
        try:
            work(conn)
        except BaseException as exc:
            errors.append(exc)

    with ExitStack() as stack:
        conns = [wconn] + [stack.enter_context(conn_factory()) for _ in range(writers - 1)]
        threads = [threading.Thread(target=guarded, args=(c,), daemon=True) for c in conns[1:]]
        for t in threads:
            t.start()
        guarded(conns[0])
        for t in threads:
            t.join()
    if errors:
        raise errors[0]


def _release(conn: Connection, job: Mapping[str, Any], exc: Exception) -> None:
    """After an error: back to pending for a redelivery, or failed after the last attempt."""
    failed = job["attempts"] >= MAX_ATTEMPTS
    log_event(
        "recalculation failed",
        logging.ERROR,
        exc_info=True,
        job_id=job["id"],
        attempts=job["attempts"],
        final=failed,
    )
    try:
        if conn.info.transaction_status != 0:  # not idle: a broken transaction
            conn.rollback()
        with conn.transaction():
            sql.release_job(
                conn,
                job["id"],
                failed=failed,
                error={"type": type(exc).__name__, "detail": str(exc)[:500]},
            )
    except Exception:  # the database itself is gone: maintenance re-drives by lease
        log_event("could not release recalculation job", logging.ERROR, job_id=job["id"])


def _compute_batch(
    rows: list[tuple[Any, ...]], year: int, ctx: CalcContext
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    from co2calc.calc import REGISTRY
    from co2calc.db.emissions import emission_row
    from co2calc.factors.errors import EngineError

    entries: list[tuple[Any, ...]] = []
    emissions: list[tuple[Any, ...]] = []
    invalid = 0
    for entry_id, unit_id, module, submodule, version, data in rows:
        calc = REGISTRY.get((module, submodule))
        if calc is None:
            invalid += 1
            continue
        try:
            result = calc.fn(calc.model.model_validate_json(data), ctx)
        except (ValidationError, EngineError):
            invalid += 1
            continue
        if result.flag is not None:
            entries.append(
                (entry_id, version, 0, False, result.flag.reason.value, result.flag.detail, 0)
            )
            continue
        kg = 0
        estimate = False
        for r in result.rows:
            kg += r.kg
            estimate = estimate or r.estimate
            emissions.append(emission_row(entry_id, unit_id, year, r))
        entries.append((entry_id, version, kg, estimate, None, None, len(result.rows)))
    return entries, emissions, invalid


class _Writer:
    """Writes batches in threads, each on its own connection (bounded queue).

    Batches hold disjoint entries, so several writers never touch the same rows;
    with two, PostgreSQL works on two batches at once while Python computes.
    """

    def __init__(self, conns: list[Connection], job_id: str, counts: dict[str, int]) -> None:
        self.conns, self.job_id, self.counts = conns, job_id, counts
        self.error: BaseException | None = None
        self.seconds = 0.0  # time spent writing (summed over the writer threads)
        self.lock = threading.Lock()
        self.queue: queue.Queue[tuple[Any, Any, int] | None] = queue.Queue(maxsize=2 * len(conns))
        self.threads = [
            threading.Thread(target=self._run, args=(c,), name=f"recalc-writer-{i}", daemon=True)
            for i, c in enumerate(conns)
        ]
        for t in self.threads:
            t.start()

    def put(self, entries: Any, emissions: Any, n_read: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((entries, emissions, n_read))

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()
        if self.error is not None:
            raise self.error

    def _run(self, conn: Connection) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain after a failure
            entries, emissions, n_read = item
            started = time.perf_counter()
            try:
                written = sql.write_batch(conn, entries, emissions)
                with self.lock:
                    self.counts["written"] += written
                    self.counts["read"] += n_read
                    read, written = self.counts["read"], self.counts["written"]
                with conn.transaction():
                    sql.progress(conn, self.job_id, read=read, written=written, lease_s=LEASE_S)
            except BaseException as exc:
                self.error = exc
            with self.lock:
                self.seconds += time.perf_counter() - started


def handle_event(data: object) -> dict[str, Any]:
    """The ``calculate`` function's body: validate the event data, run on the pool."""
    from co2calc.db import connection

    try:
        req = RecalcRequest.model_validate(data)
    except ValidationError as exc:  # redelivering a malformed event cannot help
        log_event(
            "recalculation request rejected",
            logging.WARNING,
            errors=[{"loc": e["loc"], "type": e["type"]} for e in exc.errors()],
        )
        return {"status": "rejected"}
    return recalculate(
        connection,
        year=req.year,
        module=req.module,
        unit_id=req.unit_id,
        reason=req.reason,
        scope=req.scope,
    )
