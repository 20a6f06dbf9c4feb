"""units function: the units and org tree visible to the caller."""

from __future__ import annotations

from co2calc.auth.policy import Action, can
from co2calc.db import transaction
from co2calc.db import units as sql
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Forbidden, NotFound
from co2calc.models.common import Page
from co2calc.models.units import Unit, UnitDetail, UnitQuery, UnitTreeNode

__all__ = ["api", "router"]

router = Router(tags=("units",))


@router.get("/", query=UnitQuery, response=Page[Unit])
def list_units(ctx: RequestContext, *, query: UnitQuery) -> Page[Unit]:
    """Units the caller may see (all of them for global admins), paginated."""
    p = ctx.user
    visible = None if p.sees_all() else p.visible_units
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        items, total = sql.list_units(
            conn,
            visible=visible,
            q=query.q,
            parent_id=query.parent_id,
            level=query.level,
            kind=query.kind,
            active=query.active,
            sort=query.sort,
            limit=query.page_size,
            offset=query.offset,
        )
    return Page[Unit](
        items=[Unit.model_validate(i) for i in items],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get("/tree", response=list[UnitTreeNode])
def unit_tree(ctx: RequestContext) -> list[UnitTreeNode]:
    """The org tree of the caller's visible units, with their ancestors for context."""
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        if p.sees_all():
            rows, _ = sql.list_units(conn, visible=None, limit=100_000)
            rows = [{**r, "name_en": r["name"]} for r in rows]
            visible = {r["id"] for r in rows}
        else:
            visible = set(p.visible_units)
            rows = sql.unit_ancestors(conn, visible)
    nodes = {
        r["id"]: UnitTreeNode(
            id=r["id"],
            code=r["code"],
            name=r["name_en"],
            kind=r["kind"],
            visible=r["id"] in visible,
        )
        for r in rows
    }
    roots: list[UnitTreeNode] = []
    for r in rows:  # ordered by path: parents come first
        parent = nodes.get(r["parent_id"]) if r["parent_id"] else None
        (parent.children if parent else roots).append(nodes[r["id"]])
    return roots


@router.get("/<int:unit_id>", response=UnitDetail)
def get_unit(ctx: RequestContext, unit_id: int) -> UnitDetail:
    """One unit with its managers and the caller's roles in it."""
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        unit = sql.get_unit(conn, unit_id)
        if unit is None:
            raise NotFound(f"Unit {unit_id} does not exist.")
        if not can(p, Action.READ_RESULTS, unit["id"]):
            raise Forbidden("You have no role in this unit.")
        managers = sql.unit_managers(conn, unit_id)
    my_roles = sorted({g.role for g in p.roles if g.unit_id == unit_id})
    if unit_id in p.affiliation_units and "affiliation" not in my_roles:
        my_roles.append("affiliation")
    return UnitDetail.model_validate(unit | {"managers": managers, "my_roles": my_roles})


api = Api("units", "/api/units", router)
