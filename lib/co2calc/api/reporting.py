"""reporting function: cross-unit reporting (affiliation officers in their subtree, admins).

Scope: the units under ``subtree`` (default: the whole tree) intersected, for
affiliation officers, with their expanded subtrees; ``subtree`` itself must be
inside their affiliation. Standard members and unit managers are refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from co2calc.auth.policy import Action, can
from co2calc.db import reporting as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Forbidden, NotFound
from co2calc.models.common import Page
from co2calc.models.reporting import (
    ModuleCompletion,
    ReportingExportQuery,
    ReportingFilters,
    ReportingSummary,
    ReportingUnitsQuery,
    UnitReportingRow,
)
from co2calc.results import export

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.auth.policy import Principal

__all__ = ["api", "router"]

router = Router(tags=("reporting",))
ALL_UNITS = 100_000


def _authorise(p: Principal, filters: ReportingFilters) -> None:
    if not can(p, Action.REPORTING, filters.subtree):
        raise Forbidden(
            "Cross-unit reporting is for affiliation officers (within their subtree) and"
            " administrators."
        )


def _filters(conn: Connection, p: Principal, f: ReportingFilters) -> dict[str, Any]:
    path = None
    if f.subtree is not None:
        path = sql.unit_path(conn, f.subtree)
        if path is None:
            raise NotFound(f"Unit {f.subtree} does not exist.")
    return {
        "year": f.year,
        "visible": None if p.sees_all() else p.affiliation_units,
        "path": path,
        "status": f.status,
        "module": f.module,
        "module_status": f.module_status,
        "include_estimates": f.include_estimates,
    }


def _row(r: dict[str, Any]) -> UnitReportingRow:
    per_fte = r["per_fte"]
    return UnitReportingRow(
        unit_id=r["unit_id"],
        unit_code=r["unit_code"],
        unit_name=r["unit_name"],
        report_id=r["report_id"],
        status=r["status"],
        modules=r["modules"],
        modules_validated=r["modules_validated"],
        completion_rate=round(r["completion"], 4),
        entries=r["entries"],
        flagged_entries=r["flagged_entries"],
        kg=r["kg"],
        t=(r["kg"] / 1000).quantize(Decimal("0.001")),
        fte=r["fte"],
        per_fte_t=None if per_fte is None else (per_fte / 1000).quantize(Decimal("0.001")),
    )


def _transaction(p: Principal):
    return transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id)


@router.get("/units", query=ReportingUnitsQuery, response=Page[UnitReportingRow])
def reporting_units(ctx: RequestContext, *, query: ReportingUnitsQuery):
    """Units in scope with report status, completion rate and total kg."""
    p = ctx.user
    _authorise(p, query)
    with _transaction(p) as conn:
        rows, total = sql.unit_rows(
            conn,
            sort=query.sort,
            limit=query.page_size,
            offset=query.offset,
            **_filters(conn, p, query),
        )
    return Page[UnitReportingRow](
        items=[_row(r) for r in rows], total=total, page=query.page, page_size=query.page_size
    )


def _summary(conn: Connection, p: Principal, f: ReportingFilters) -> ReportingSummary:
    filters = _filters(conn, p, f)
    rows = [_row(r) for r in sql.unit_rows(conn, limit=ALL_UNITS, offset=0, **filters)[0]]
    modules = sql.module_completion(conn, **filters)
    by_module: dict[str, Decimal] = {}
    by_scope: dict[str, Decimal] = {}
    total = Decimal(0)
    for a in sql.aggregates(conn, **filters):
        if a["module"] is not None:
            by_module[a["module"]] = a["kg"]
        elif a["scope"] is not None:
            by_scope[str(a["scope"])] = a["kg"]
        else:
            total = a["kg"] or Decimal(0)
    n_modules = sum(r.modules for r in rows)
    signed = sum(r.status == "signed_off" for r in rows)
    return ReportingSummary(
        year=f.year,
        subtree=f.subtree,
        include_estimates=f.include_estimates,
        units=len(rows),
        signed_off=signed,
        signed_off_rate=signed / len(rows) if rows else 0.0,
        completion_rate=sum(r.modules_validated for r in rows) / n_modules if n_modules else 0.0,
        modules=[
            ModuleCompletion(
                module=m["module"],
                reports=m["reports"],
                validated=m["validated"],
                rate=m["validated"] / m["reports"] if m["reports"] else 0.0,
            )
            for m in modules
        ],
        total_kg=total,
        total_fte=sum((r.fte for r in rows), Decimal(0)),
        by_module=by_module,
        by_scope=by_scope,
        ranking_total=sorted((r for r in rows if r.kg > 0), key=lambda r: (-r.kg, r.unit_code))[
            :10
        ],
        ranking_per_fte=sorted(
            (r for r in rows if r.per_fte_t is not None),
            key=lambda r: (-(r.per_fte_t or 0), r.unit_code),
        )[:10],
    )


@router.get("/summary", query=ReportingFilters, response=ReportingSummary)
def reporting_summary(ctx: RequestContext, *, query: ReportingFilters) -> ReportingSummary:
    """Completion rates, totals by module and scope, and rankings over the scope."""
    p = ctx.user
    _authorise(p, query)
    with _transaction(p) as conn:
        return _summary(conn, p, query)


_COLUMNS = (
    "unit_id",
    "unit_code",
    "unit_name",
    "status",
    "modules",
    "modules_validated",
    "completion_rate",
    "entries",
    "flagged_entries",
    "kg",
    "t",
    "fte",
    "per_fte_t",
)


@router.get("/export", query=ReportingExportQuery)
def reporting_export(ctx: RequestContext, *, query: ReportingExportQuery) -> Response:
    """Every unit in scope (and, in XLSX, the summary by module and scope) as a download."""
    p = ctx.user
    _authorise(p, query)
    with _transaction(p) as conn:
        s = _summary(conn, p, query)
        rows = [
            _row(r)
            for r in sql.unit_rows(conn, limit=ALL_UNITS, offset=0, **_filters(conn, p, query))[0]
        ]
    units = (list(_COLUMNS), [[getattr(r, c) for c in _COLUMNS] for r in rows])
    name = f"reporting-{query.year}{'-' + str(query.subtree) if query.subtree else ''}"
    if query.format == "csv":
        data, mime = export.to_csv(*units), export.CSV_MIME
    else:
        data = export.to_xlsx(
            {
                "units": units,
                "by_module": (["module", "kg"], list(s.by_module.items())),
                "by_scope": (["scope", "kg"], list(s.by_scope.items())),
                "completion": (
                    ["module", "reports", "validated", "rate"],
                    [[m.module, m.reports, m.validated, m.rate] for m in s.modules],
                ),
            }
        )
        mime = export.XLSX_MIME
    return Response(
        data,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}.{query.format}"'},
    )


api = Api("reporting", "/api/reporting", router)
