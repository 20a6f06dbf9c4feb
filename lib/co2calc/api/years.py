"""years function: the year lifecycle (create; completeness and opening come later)."""

from __future__ import annotations

from co2calc import wiring
from co2calc.auth.policy import Action, can
from co2calc.db import transaction
from co2calc.db import years as sql
from co2calc.events import publish
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Conflict, Forbidden, NotFound
from co2calc.models.years import Year, YearCreate
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


api = Api("years", "/api/years", router)
