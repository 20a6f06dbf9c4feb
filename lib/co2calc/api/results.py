"""results function: one unit's results, years side by side, change, trajectory, exports.

Every route authorises ``READ_RESULTS`` on the unit (members, managers,
affiliation officers of its subtree, admins); entry-level details (top-item
labels, the entries export) are further limited to what the caller may read
(``READ_ENTRIES``: a member sees only their own travel and cloud/AI rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from co2calc.auth.policy import Action, can
from co2calc.db import reports as reports_sql
from co2calc.db import results as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Forbidden, NotFound
from co2calc.models.results import (
    ExportQuery,
    FrozenComparison,
    ResultsQuery,
    Trajectory,
    UnitHistory,
    UnitYearResults,
    YearChange,
    YearSummary,
)
from co2calc.results import export, trajectory

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.calc.result import EmissionRow

__all__ = ["api", "router"]

router = Router(tags=("results",))


@contextmanager
def _unit(ctx: RequestContext, unit_id: int) -> Iterator[tuple[Connection, dict[str, Any]]]:
    p = ctx.user
    if not can(p, Action.READ_RESULTS, unit_id):
        raise Forbidden("You may not see this unit's results.")
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        unit = sql.unit(conn, unit_id)
        if unit is None:
            raise NotFound(f"Unit {unit_id} does not exist.")
        yield conn, unit


def _report(reports: list[dict[str, Any]], year: int) -> dict[str, Any]:
    for r in reports:
        if r["year"] == year:
            return r
    raise NotFound(f"No report for this unit in {year}.")


def _rows_by_year(
    conn: Connection, unit_id: int, years: list[int], include_estimates: bool
) -> dict[int, list[EmissionRow]]:
    from co2calc.results import summary

    out: dict[int, list[EmissionRow]] = {y: [] for y in years}
    for g in sql.emission_groups(conn, unit_id, years):
        row = summary.group_row(g)
        if include_estimates or not row.estimate:
            out[g["year"]].append(row)
    return out


def _frozen(conn: Connection, report: dict[str, Any], year: int) -> FrozenComparison | None:
    if report["status"] != "signed_off":
        return None
    from co2calc.db.factorstore import reference_stamp
    from co2calc.factorstore import calc_context
    from co2calc.results.restate import cached_restated, restated_totals

    as_reported = report["frozen_results"] or {"kg_co2e": "0", "by_module": {}, "by_scope": {}}
    current_hash = reports_sql.inputs_hash(conn, report["id"])
    # the frozen rows stay as reported; restated = the same entries with today's factors
    restated = cached_restated(
        (report["id"], current_hash, reference_stamp(conn, year)),
        lambda: restated_totals(
            sql.entries_for_export(conn, report["id"]), calc_context(conn, year)
        ),
    )
    return FrozenComparison(
        signed_off_at=report["signed_off_at"],
        factor_version=report["frozen_factor_version"],
        current_factor_version=reports_sql.active_factor_version(conn, year),
        inputs_hash=report["frozen_inputs_hash"],
        current_inputs_hash=current_hash,
        inputs_changed=current_hash != report["frozen_inputs_hash"],
        as_reported=as_reported,
        restated=restated,
        difference_kg=Decimal(restated["kg_co2e"] or 0) - Decimal(as_reported["kg_co2e"] or 0),
    )


def _unit_year(
    ctx: RequestContext, conn: Connection, unit: dict[str, Any], year: int, include: bool
) -> UnitYearResults:
    from co2calc.results import summary

    report = _report(sql.unit_reports(conn, unit["id"]), year)
    rows = _rows_by_year(conn, unit["id"], [year], True)[year]
    body = summary.results_body(rows, include_estimates=include, fte=report["fte"])
    total = body["total"]["kg"]
    top = []
    for t in sql.top_entries(conn, unit["id"], year, include_estimates=include):
        readable = can(
            ctx.user,
            Action.READ_ENTRIES,
            unit["id"],
            module=t["module"],
            owner_user_id=t["owner_user_id"],
        )
        top.append(
            {
                "entry_id": t["entry_id"],
                "module": t["module"],
                "submodule": t["submodule"],
                "label": summary.entry_label(t["module"], t["submodule"], t["data"])
                if readable
                else None,
                "kg": t["kg"],
                "share": float(t["kg"] / total) if total else 0.0,
                "flagged": t["flag_reason"] is not None,
            }
        )
    est = body["estimates"]
    shown_est = est["kg"] if include else Decimal(0)
    return UnitYearResults.model_validate(
        body
        | {
            "unit_id": unit["id"],
            "unit_code": unit["code"],
            "unit_name": unit["name_en"],
            "year": year,
            "report_id": report["id"],
            "report_status": report["status"],
            "top_items": top,
            "data_quality": {
                "entries": report["entries"],
                "flagged_entries": report["flagged"],
                "estimate_kg": est["kg"],
                "estimate_share": est["share_of_total"],
                "flagged_or_estimated_share": float(shown_est / total) if total else 0.0,
            },
            "frozen": _frozen(conn, report, year),
        }
    )


@router.get("/<int:unit_id>", query=ResultsQuery, response=UnitHistory)
def unit_history(ctx: RequestContext, unit_id: int, *, query: ResultsQuery) -> UnitHistory:
    """All years of one unit side by side."""
    from co2calc.results import summary

    with _unit(ctx, unit_id) as (conn, unit):
        reports = sql.unit_reports(conn, unit_id)
        years = [r["year"] for r in reports]
        rows = _rows_by_year(conn, unit_id, years, True)
    out = []
    for r in reports:
        y = r["year"]
        include = query.include_estimates
        body = summary.results_body(rows[y], include_estimates=include, fte=r["fte"])
        out.append(
            YearSummary(
                year=y,
                report_id=r["id"],
                report_status=r["status"],
                entries=r["entries"],
                total=body["total"],
                estimates_kg=body["estimates"]["kg"],
                fte=r["fte"],
                per_fte_t=body["per_fte"] and body["per_fte"]["t"],
                by_scope={a["key"]: a["kg"] for a in body["by_scope"]},
                by_module={a["key"]: a["kg"] for a in body["by_module"]},
            )
        )
    return UnitHistory(
        unit_id=unit_id,
        unit_code=unit["code"],
        include_estimates=query.include_estimates,
        years=out,
    )


@router.get("/<int:unit_id>/<int:year>", query=ResultsQuery, response=UnitYearResults)
def unit_year(ctx: RequestContext, unit_id: int, year: int, *, query: ResultsQuery):
    """Unit-year results: total with 95 % interval, per FTE, breakdowns, top items."""
    with _unit(ctx, unit_id) as (conn, unit):
        return _unit_year(ctx, conn, unit, year, query.include_estimates)


@router.get("/<int:unit_id>/<int:year>/change", query=ResultsQuery, response=YearChange)
def year_change(ctx: RequestContext, unit_id: int, year: int, *, query: ResultsQuery):
    """Change vs the previous year with data: activity, factor and headcount effects."""
    from co2calc.results import change

    with _unit(ctx, unit_id) as (conn, _unit_row):
        reports = sql.unit_reports(conn, unit_id)
        current = _report(reports, year)
        earlier = [r for r in reports if r["year"] < year and r["entries"]]
        if not earlier:
            raise NotFound(f"No earlier year with data to compare {year} with.")
        previous = earlier[-1]
        prev = previous["year"]
        rows = _rows_by_year(conn, unit_id, [prev, year], query.include_estimates)
    body = change.decompose(
        rows[prev],
        rows[year],
        fte_previous=previous["fte"],
        fte_current=current["fte"],
    )
    return YearChange.model_validate(
        body
        | {
            "unit_id": unit_id,
            "year": year,
            "previous_year": prev,
            "include_estimates": query.include_estimates,
        }
    )


@router.get("/<int:unit_id>/<int:year>/trajectory", query=ResultsQuery, response=Trajectory)
def unit_trajectory(ctx: RequestContext, unit_id: int, year: int, *, query: ResultsQuery):
    """Comparison with the institution's objectives and a 3-year projection."""
    with _unit(ctx, unit_id) as (conn, _unit_row):
        reports = sql.unit_reports(conn, unit_id)
        _report(reports, year)
        years = [r["year"] for r in reports if r["entries"] and r["year"] <= year]
        rows = _rows_by_year(conn, unit_id, years, query.include_estimates)
        objectives = sql.objectives(conn, year)
    history = [(y, sum((r.kg for r in rows[y]), Decimal(0))) for y in years]
    body = trajectory.trajectory(history, year, objectives)
    body["projection"]["method_description"] = trajectory.PROJECTION_METHOD
    return Trajectory.model_validate(
        body | {"unit_id": unit_id, "include_estimates": query.include_estimates}
    )


def _results_table(res: UnitYearResults) -> tuple[list[str], list[list[Any]]]:
    header = ["section", "key", "kg_co2e", "t_co2e", "low_kg", "high_kg", "note"]
    rows: list[list[Any]] = [
        ["total", "total", res.total.kg, res.total.t, res.total.low_kg, res.total.high_kg, ""]
    ]
    for section, items in (
        ("scope", res.by_scope),
        ("module", res.by_module),
        ("submodule", res.by_submodule),
        ("estimates", res.estimates.by_leaf),
    ):
        rows += [[section, a.key, a.kg, a.t, a.low_kg, a.high_kg, ""] for a in items]
    if res.per_fte:
        rows.append(
            ["per_fte", f"FTE {res.per_fte.fte}", res.per_fte.kg, res.per_fte.t, "", "", ""]
        )
    rows += [
        ["top_item", f"{t.module}/{t.submodule}", t.kg, "", "", "", t.label or ""]
        for t in res.top_items
    ]
    rows.append(["car_km", "km", res.car_km.km, "", "", "", res.car_km.source])
    return header, rows


def _entries_table(
    ctx: RequestContext, conn: Connection, unit_id: int, report_id: int
) -> tuple[list[str], list[list[Any]]]:
    import json

    from co2calc.results import summary

    header = [
        "id",
        "module",
        "submodule",
        "label",
        "owner_user_id",
        "source",
        "kg_co2e",
        "estimate",
        "flag_reason",
        "flag_detail",
        "note",
        "updated_at",
        "data",
    ]
    rows = [
        [
            e["id"],
            e["module"],
            e["submodule"],
            summary.entry_label(e["module"], e["submodule"], e["data"]),
            e["owner_user_id"],
            e["source"],
            e["kg_co2e"],
            e["estimate"],
            e["flag_reason"],
            e["flag_detail"],
            e["note"],
            e["updated_at"],
            json.dumps(e["data"], ensure_ascii=False, sort_keys=True),
        ]
        for e in sql.entries_for_export(conn, report_id)
        if can(
            ctx.user,
            Action.READ_ENTRIES,
            unit_id,
            module=e["module"],
            owner_user_id=e["owner_user_id"],
        )
    ]
    return header, rows


@router.get("/<int:unit_id>/<int:year>/export", query=ExportQuery)
def export_unit_year(ctx: RequestContext, unit_id: int, year: int, *, query: ExportQuery):
    """Download the unit-year results or entries (CSV or XLSX)."""
    with _unit(ctx, unit_id) as (conn, unit):
        if query.what == "results":
            table = _results_table(_unit_year(ctx, conn, unit, year, query.include_estimates))
        else:
            report = _report(sql.unit_reports(conn, unit_id), year)
            table = _entries_table(ctx, conn, unit_id, report["id"])
    name = f"{query.what}-{unit['code']}-{year}.{query.format}"
    if query.format == "csv":
        data, mime = export.to_csv(*table), export.CSV_MIME
    else:
        data, mime = export.to_xlsx({query.what: table}), export.XLSX_MIME
    return Response(
        data, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


api = Api("results", "/api/results", router)
