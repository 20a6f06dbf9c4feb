"""years function: the year lifecycle — create, completeness check, status, objectives.

Opening a year (``PUT /<year>/status {"status": "open"}``) is refused with 409
and the blocking problems while the completeness check is not ready, unless
the administrator sends ``"force": true``; a forced opening is recorded in
the audit log together with the problems that were overridden.
"""

from __future__ import annotations

from co2calc import audit, wiring
from co2calc.auth.policy import Action, can
from co2calc.db import transaction
from co2calc.db import years as sql
from co2calc.events import publish
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Conflict, Forbidden, NotFound, ValidationFailed
from co2calc.models.years import (
    DEFAULT_OBJECTIVES,
    Completeness,
    Objectives,
    ObjectivesOut,
    Year,
    YearCreate,
    YearStatusUpdate,
)
from co2calc.modules import MODULES

__all__ = ["api", "router"]

router = Router(tags=("years",))


@router.get("/", response=list[Year])
def list_years(ctx: RequestContext) -> list[Year]:
    """Every reporting year with its number of reports."""
    p = ctx.user
    with transaction(p.visible_units, all_units=True, user_id=p.user_id) as conn:
        return [Year.model_validate(r) for r in sql.list_years(conn)]


@router.get("/<int:year>", response=Year)
def get_year(ctx: RequestContext, year: int) -> Year:
    """One reporting year."""
    p = ctx.user
    with transaction(p.visible_units, all_units=True, user_id=p.user_id) as conn:
        row = sql.get_year(conn, year)
    if row is None:
        raise NotFound(f"Year {year} has not been created.")
    return Year.model_validate(row)


@router.post("/", body=YearCreate, response=Year, status=201)
def create_year(ctx: RequestContext, *, body: YearCreate) -> Year:
    """Create a year: a report for every active unit, every module 'not started'."""
    p = ctx.user
    if not can(p, Action.ADMIN):
        raise Forbidden("Only global administrators create years.")
    with transaction(all_units=True, user_id=p.user_id) as conn:
        if not sql.create_year(conn, body.year, p.user_id, MODULES):
            raise Conflict(f"Year {body.year} exists already.")
        row = sql.get_year(conn, body.year)
    publish(wiring.YEAR_CREATED, {"year": body.year}, subject=str(body.year))
    return Year.model_validate(row)


def _admin(ctx: RequestContext, what: str):
    p = ctx.user
    if not can(p, Action.ADMIN):
        raise Forbidden(f"Only global administrators {what}.")
    return p


def _completeness(conn, year: int) -> Completeness:
    from co2calc.years.completeness import check  # lazy: pulls in the engine

    row = sql.get_year(conn, year)
    if row is None:
        raise NotFound(f"Year {year} has not been created.")
    return check(conn, year, row["status"])


def _blocking(report: Completeness) -> list[dict]:
    """The blocking problems of a completeness report, with their module (None: the year)."""
    found = [(None, pr) for pr in report.problems]
    found += [(m.module, pr) for m in report.modules for pr in m.problems]
    return [
        {"module": module, "kind": pr.kind, "message": pr.message}
        for module, pr in found
        if pr.blocking
    ]


@router.get("/<int:year>/completeness", response=Completeness)
def completeness(ctx: RequestContext, year: int) -> Completeness:
    """What is missing, per module, before the year can open (factors, reference data, flags)."""
    p = _admin(ctx, "check year completeness")
    with transaction(all_units=True, user_id=p.user_id) as conn:
        return _completeness(conn, year)


@router.put("/<int:year>/status", body=YearStatusUpdate, response=Year)
def set_status(ctx: RequestContext, year: int, *, body: YearStatusUpdate) -> Year:
    """Open, close or return a year to draft; opening needs a ready completeness check."""
    p = _admin(ctx, "change a year's status")
    with transaction(all_units=True, user_id=p.user_id) as conn:
        row = sql.get_year(conn, year)
        if row is None:
            raise NotFound(f"Year {year} has not been created.")
        overridden: list[dict] = []
        if body.status == "open" and row["status"] != "open":
            overridden = _blocking(_completeness(conn, year))
            if overridden and not body.force:
                raise Conflict(
                    f"Year {year} is not ready to open; fix the problems or send force=true.",
                    errors=[
                        {
                            "loc": ["modules", o["module"] or "year", o["kind"]],
                            "field": o["module"] or "year",
                            "type": o["kind"],
                            "message": o["message"],
                        }
                        for o in overridden
                    ],
                )
        if row["status"] != body.status:
            before = sql.set_status(conn, year, body.status)
            audit.record(
                conn,
                ctx,
                "update",
                "year",
                year,
                before={"status": before},
                after={"status": body.status}
                | ({"forced": True, "overridden": overridden} if overridden else {}),
            )
        return Year.model_validate(sql.get_year(conn, year))


def _objectives_out(year: int, stored: dict | None) -> ObjectivesOut:
    from co2calc.years.objectives import trajectory

    obj = DEFAULT_OBJECTIVES if stored is None else Objectives.model_validate(stored)
    return ObjectivesOut(
        year=year, default=stored is None, objectives=obj, trajectory=trajectory(obj)
    )


@router.get("/<int:year>/objectives", response=ObjectivesOut)
def get_objectives(ctx: RequestContext, year: int) -> ObjectivesOut:
    """The institution's reduction objectives and the yearly straight-line trajectory."""
    p = ctx.user
    with transaction(p.visible_units, all_units=True, user_id=p.user_id) as conn:
        exists, stored = sql.get_objectives(conn, year)
    if not exists:
        raise NotFound(f"Year {year} has not been created.")
    return _objectives_out(year, stored)


@router.put("/<int:year>/objectives", body=Objectives, response=ObjectivesOut)
def put_objectives(ctx: RequestContext, year: int, *, body: Objectives) -> ObjectivesOut:
    """Set the reduction objectives (baseline year, targets with reductions in [0, 1])."""
    p = _admin(ctx, "set reduction objectives")
    if errors := body.problems():
        raise ValidationFailed("The objectives are inconsistent.", errors=errors)
    value = body.model_dump(mode="json")
    with transaction(all_units=True, user_id=p.user_id) as conn:
        exists, _ = sql.get_objectives(conn, year)
        if not exists:
            raise NotFound(f"Year {year} has not been created.")
        before = sql.set_objectives(conn, year, value)
        audit.record(conn, ctx, "update", "year_objectives", year, before=before, after=value)
    return _objectives_out(year, value)


api = Api("years", "/api/years", router)
