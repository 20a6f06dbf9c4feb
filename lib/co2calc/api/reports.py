"""reports function: unit-year reports, module validation, sign-off and freeze."""

from __future__ import annotations

from co2calc import audit
from co2calc.auth.policy import Action, can
from co2calc.db import reports as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Conflict, Forbidden, NotFound
from co2calc.models.common import Page
from co2calc.models.reports import ModuleState, ModuleStatusUpdate, Report, ReportQuery
from co2calc.modules import MODULES

__all__ = ["api", "router"]

router = Router(tags=("reports",))


def _report(row: dict, modules: list[dict]) -> Report:
    return Report.model_validate(
        row
        | {
            "modules": [ModuleState.model_validate(m) for m in modules],
            "kg_co2e": sum((m["kg_co2e"] for m in modules), 0),
        }
    )


def _load(conn, report_id: int) -> Report:
    row = sql.get_report(conn, report_id)
    if row is None:
        raise NotFound(f"Report {report_id} does not exist.")
    return _report(row, sql.module_states(conn, [report_id]).get(report_id, []))


def _authorised(ctx: RequestContext, conn, report_id: int, action: Action) -> dict:
    row = sql.get_report(conn, report_id)
    if row is None:
        raise NotFound(f"Report {report_id} does not exist.")
    if not can(ctx.user, action, row["unit_id"]):
        raise Forbidden("You may not do this on this unit's report.")
    return row


@router.get("/", query=ReportQuery, response=Page[Report])
def list_reports(ctx: RequestContext, *, query: ReportQuery) -> Page[Report]:
    """Reports of the units the caller may see, newest year first."""
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        rows, total = sql.list_reports(
            conn,
            visible=None if p.sees_all() else p.visible_units,
            year=query.year,
            unit_id=query.unit_id,
            status=query.status,
            limit=query.page_size,
            offset=query.offset,
        )
        states = sql.module_states(conn, [r["id"] for r in rows])
    return Page[Report](
        items=[_report(r, states.get(r["id"], [])) for r in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get("/<int:report_id>", response=Report)
def get_report(ctx: RequestContext, report_id: int) -> Report:
    """One report with its module statuses, entry counts and totals."""
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        _authorised(ctx, conn, report_id, Action.READ_RESULTS)
        return _load(conn, report_id)


@router.get("/unit/<int:unit_id>/<int:year>", response=Report)
def report_of_unit_year(ctx: RequestContext, unit_id: int, year: int) -> Report:
    """The report of one unit for one year."""
    p = ctx.user
    if not can(p, Action.READ_RESULTS, unit_id):
        raise Forbidden("You have no role in this unit.")
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        row = sql.report_for(conn, unit_id, year)
        if row is None:
            raise NotFound(f"No report for unit {unit_id} in {year}.")
        return _load(conn, row["id"])


@router.put("/<int:report_id>/modules/<module>", body=ModuleStatusUpdate, response=Report)
def set_module_status(
    ctx: RequestContext, report_id: int, module: str, *, body: ModuleStatusUpdate
) -> Report:
    """Validate a module ('validated') or reopen it ('in_progress')."""
    p = ctx.user
    if module not in MODULES:
        raise NotFound(f"Unknown module {module!r}.")
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        row = _authorised(ctx, conn, report_id, Action.VALIDATE)
        if row["status"] == "signed_off":
            raise Conflict("The report is signed off; its modules can no longer change.")
        before = sql.set_module_status(conn, report_id, module, body.status, p.user_id)
        audit.record(
            conn,
            ctx,
            "update",
            "module_status",
            f"{report_id}/{module}",
            unit_id=row["unit_id"],
            before={"status": before["status"]},
            after={"status": body.status},
        )
        return _load(conn, report_id)


@router.post("/<int:report_id>/sign-off", response=Report)
def sign_off(ctx: RequestContext, report_id: int) -> Report:
    """Sign the year off: every module validated; freezes factor version, inputs and results."""
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        row = _authorised(ctx, conn, report_id, Action.VALIDATE)
        if row["status"] == "signed_off":
            raise Conflict("The report is signed off already.")
        report = _load(conn, report_id)
        pending = [m.module for m in report.modules if m.status != "validated"]
        if pending:
            raise Conflict(
                "Validate every module before signing off.",
                errors=[
                    {
                        "loc": ["modules", m],
                        "field": m,
                        "type": "not_validated",
                        "message": "not validated",
                    }
                    for m in pending
                ],
            )
        version = sql.active_factor_version(conn, row["year"])
        digest = sql.inputs_hash(conn, report_id)
        results = sql.emission_totals(conn, report_id)
        sql.freeze(conn, report_id, p.user_id, version, digest, results)
        audit.record(
            conn,
            ctx,
            "update",
            "report",
            report_id,
            unit_id=row["unit_id"],
            before={"status": "open"},
            after={"status": "signed_off", "factor_version": version, "inputs_hash": digest},
        )
        return _load(conn, report_id)


api = Api("reports", "/api/reports", router)
