"""Entry writes shared by the API, the importer and demo seeding.

Every write validates the data with the engine's entry model, computes the
emissions inline (``co2calc.calc.compute`` with the year's cached
``factorstore.calc_context``), stores the entry and replaces its emission
rows in the caller's transaction, moves the module from *not started* to *in
progress* and writes an audit row. An entry the engine cannot compute is
kept with its flag (reason and detail) and 0 kg, never dropped.

Authorisation is the caller's job (the API checks roles; the importer and
seeding are trusted); this module only refuses what no one may do: writing
into a signed-off report (``Conflict``), invalid data (``ValidationFailed``
with ``body.data.<field>`` errors) and a duplicate headcount person id
(``Conflict`` naming ``data.person_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from co2calc import audit
from co2calc.db import entries as sql
from co2calc.entries.spec import SPECS
from co2calc.http.errors import Conflict, NotFound, ValidationFailed

if TYPE_CHECKING:
    from psycopg import Connection
    from pydantic import BaseModel

    from co2calc.calc import Result

__all__ = [
    "compute_data",
    "create_entry",
    "delete_entries",
    "recompute_entries",
    "stored_data",
    "update_entry",
    "validate_data",
]

RECOMPUTE_BATCH = 2000


@dataclass(frozen=True)
class _Actor:
    user_id: int | None


@dataclass(frozen=True)
class _AuditContext:
    """What ``co2calc.audit.record`` reads from a request context, for non-HTTP callers."""

    principal: _Actor
    request_id: str | None


def _check_submodule(module: str, submodule: str) -> None:
    spec = SPECS.get(module)
    if spec is None or submodule not in spec.submodules:
        raise NotFound(f"Unknown submodule {module}/{submodule}.")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def stored_data(model: BaseModel) -> dict[str, Any]:
    """The validated entry as stored in ``entry.data`` (numbers as JSON numbers)."""
    return _plain(model.model_dump())


def validate_data(module: str, submodule: str, data: dict[str, Any]) -> BaseModel:
    """The engine's entry model of ``data``; ``ValidationFailed`` with ``body.data.*`` errors."""
    from pydantic import ValidationError

    from co2calc.calc import validate_entry
    from co2calc.http.api import validation_errors

    _check_submodule(module, submodule)
    try:
        return validate_entry(module, submodule, data)
    except ValidationError as exc:
        errors = validation_errors(exc, ("body", "data"))
        for e in errors:
            e["field"] = "data." + e["field"] if e["field"] else "data"
        raise ValidationFailed("Some fields of the entry are invalid.", errors=errors) from None


def compute_data(conn: Connection, year: int, module: str, submodule: str, model) -> Result:
    from co2calc import factorstore
    from co2calc.calc import compute

    return compute(module, submodule, model, factorstore.calc_context(conn, year))


def _emission_rows(entry: dict[str, Any], result: Result) -> list[tuple[Any, ...]]:
    from co2calc.db.emissions import emission_row

    return [emission_row(entry["id"], entry["unit_id"], entry["year"], r) for r in result.rows]


def _emission_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(sql.EMISSION_COLUMNS, row, strict=True)) for row in rows]


def _computed(result: Result) -> dict[str, Any]:
    return {
        "kg_co2e": result.kg,
        "estimate": any(r.estimate for r in result.rows),
        "flag_reason": None if result.flag is None else result.flag.reason.value,
        "flag_detail": None if result.flag is None else result.flag.detail,
    }


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("module", "submodule", "report_id", "owner_user_id", "data", "note")
    keys += ("kg_co2e", "flag_reason", "version")
    return {k: row.get(k) for k in keys}


def _check_unique(
    conn: Connection,
    report: dict[str, Any],
    module: str,
    submodule: str,
    data: dict[str, Any],
    entry_id: int | None,
) -> None:
    unique = (SPECS[module].unique_fields or {}).get(submodule, ())
    if "person_id" in unique and sql.person_id_taken(
        conn, report["unit_id"], report["year"], str(data["person_id"]), entry_id
    ):
        raise Conflict(
            f"Person id {data['person_id']} is already in this unit's headcount for"
            f" {report['year']}.",
            errors=[
                {
                    "loc": ["body", "data", "person_id"],
                    "field": "data.person_id",
                    "type": "duplicate",
                    "message": "already used in this unit and year",
                }
            ],
        )


def _unique_violation(exc: Exception) -> Conflict:
    return Conflict(
        "This person id is already in the unit's headcount for the year.",
        errors=[
            {
                "loc": ["body", "data", "person_id"],
                "field": "data.person_id",
                "type": "duplicate",
                "message": "already used in this unit and year",
            }
        ],
    )


def _refuse_signed_off(report: dict[str, Any]) -> None:
    if report.get("status") == "signed_off" or report.get("report_status") == "signed_off":
        raise Conflict("The report is signed off; its entries can no longer change.")


def create_entry(
    conn: Connection,
    *,
    report: dict,
    module: str,
    submodule: str,
    data: dict,
    actor_id: int | None,
    note: str | None = None,
    owner_user_id: int | None = None,
    source: str = "form",
    request_id: str | None = None,
) -> dict:
    """Validate, compute and store one entry (with emissions and audit); returns the row.

    ``report`` needs ``id``, ``unit_id``, ``year`` and ``status``. The returned
    row is the ``entry`` row plus ``emissions`` (the stored emission rows).
    """
    from psycopg import errors as pg_errors

    _refuse_signed_off(report)
    model = validate_data(module, submodule, data)
    stored = stored_data(model)
    _check_unique(conn, report, module, submodule, stored, None)
    result = compute_data(conn, report["year"], module, submodule, model)
    try:
        row = sql.insert_entry(
            conn,
            report=report,
            module=module,
            submodule=submodule,
            owner_user_id=owner_user_id,
            data=stored,
            note=note,
            source=source,
            import_job=None,
            actor_id=actor_id,
            **_computed(result),
        )
    except pg_errors.UniqueViolation as exc:
        raise _unique_violation(exc) from None
    rows = _emission_rows(row, result)
    sql.replace_emissions(conn, (), rows)
    sql.mark_module_started(conn, report["id"], module)
    audit.record(
        conn,
        _AuditContext(_Actor(actor_id), request_id),  # type: ignore[arg-type]
        "create",
        "entry",
        row["id"],
        unit_id=row["unit_id"],
        after=_snapshot(row),
    )
    return row | {"emissions": _emission_dicts(rows)}


def update_entry(
    conn: Connection,
    *,
    entry: dict,
    data: dict,
    version: int,
    actor_id: int | None,
    note: str | None = None,
    owner_user_id: int | None = None,
    request_id: str | None = None,
) -> dict:
    """Full update of a (locked) entry row read with ``get_entry``; 409 on a stale version."""
    from psycopg import errors as pg_errors

    _refuse_signed_off(entry)
    if entry["version"] != version:
        raise Conflict(
            f"The entry changed since you read it (version {entry['version']}, you sent"
            f" {version}); reload it and try again.",
            current_version=entry["version"],
        )
    module, submodule = entry["module"], entry["submodule"]
    model = validate_data(module, submodule, data)
    stored = stored_data(model)
    report = {"unit_id": entry["unit_id"], "year": entry["year"]}
    _check_unique(conn, report, module, submodule, stored, entry["id"])
    result = compute_data(conn, entry["year"], module, submodule, model)
    try:
        row = sql.update_entry(
            conn,
            entry["id"],
            version=version,
            owner_user_id=owner_user_id,
            data=stored,
            note=note,
            actor_id=actor_id,
            **_computed(result),
        )
    except pg_errors.UniqueViolation as exc:
        raise _unique_violation(exc) from None
    if row is None:
        raise Conflict("The entry changed since you read it; reload it and try again.")
    rows = _emission_rows(row, result)
    sql.replace_emissions(conn, (row["id"],), rows)
    sql.mark_module_started(conn, row["report_id"], module)
    audit.record(
        conn,
        _AuditContext(_Actor(actor_id), request_id),  # type: ignore[arg-type]
        "update",
        "entry",
        row["id"],
        unit_id=row["unit_id"],
        before=_snapshot(entry),
        after=_snapshot(row),
    )
    return row | {"emissions": _emission_dicts(rows)}


def delete_entries(
    conn: Connection,
    entries: list[dict],
    *,
    actor_id: int | None,
    request_id: str | None = None,
) -> int:
    """Delete entry rows (read with ``get_entries``; emissions cascade); audits each."""
    for e in entries:
        _refuse_signed_off(e)
    n = sql.delete_entries(conn, [e["id"] for e in entries])
    ctx = _AuditContext(_Actor(actor_id), request_id)
    for report_id, module in {(e["report_id"], e["module"]) for e in entries}:
        sql.mark_module_started(conn, report_id, module)
    for e in entries:
        audit.record(
            conn, ctx, "delete", "entry", e["id"], unit_id=e["unit_id"], before=_snapshot(e)
        )  # type: ignore[arg-type]
    return n


def recompute_entries(
    conn: Connection, entry_ids: list[int] | None = None, *, year: int | None = None
) -> int:
    """Recompute emissions of existing entries (all, some ids, or one year's).

    Entries of signed-off reports are skipped (their results are frozen).
    Entries whose stored data no longer validates are flagged, not dropped.
    Returns how many entries were recomputed. Runs in the caller's
    transaction, in batches, without audit rows (data does not change).
    """
    from pydantic import ValidationError

    from co2calc.calc import validate_entry
    from co2calc.factors import UnknownSubmoduleError

    done, after = 0, 0
    while True:
        batch = sql.entries_for_recompute(
            conn, entry_ids=entry_ids, year=year, after_id=after, limit=RECOMPUTE_BATCH
        )
        if not batch:
            return done
        updates, emissions = [], []
        for e in batch:
            try:
                model = validate_entry(e["module"], e["submodule"], e["data"])
            except (ValidationError, UnknownSubmoduleError) as exc:
                detail = f"stored data no longer valid: {type(exc).__name__}"
                updates.append((e["id"], Decimal(0), False, "invalid_data", detail))
                continue
            result = compute_data(conn, e["year"], e["module"], e["submodule"], model)
            c = _computed(result)
            updates.append(
                (e["id"], c["kg_co2e"], c["estimate"], c["flag_reason"], c["flag_detail"])
            )
            emissions += _emission_rows(e, result)
        sql.set_computed(conn, updates)
        sql.replace_emissions(conn, [e["id"] for e in batch], emissions)
        done += len(batch)
        after = batch[-1]["id"]
