"""The generic CRUD routes of one module, built from its ``ModuleSpec``.

Under the module's prefix (``/api/<module>``), a report is addressed as unit
and year::

    GET    /<unit>/<year>/<submodule>                 list (page, sort, filters, q, totals)
    POST   /<unit>/<year>/<submodule>                 create
    POST   /<unit>/<year>/<submodule>/bulk-delete     delete several, all or nothing
    GET    /<unit>/<year>/<submodule>/<id>            one entry
    PUT    /<unit>/<year>/<submodule>/<id>            full update (optimistic version)
    DELETE /<unit>/<year>/<submodule>/<id>            delete
    GET    /<unit>/<year>/<submodule>/<id>/explain    the engine's calculation trace
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, get_args

from pydantic import create_model

from co2calc.db import entries as sql
from co2calc.db import transaction
from co2calc.entries import access, service
from co2calc.entries.spec import COLUMN_SORTS, SPECS, ModuleSpec, SubmoduleSpec
from co2calc.entries.views import item, train_alternative, train_alternative_km
from co2calc.http import RequestContext, Router
from co2calc.http.errors import Forbidden, NotFound, ValidationFailed
from co2calc.models.entries import (
    BulkDelete,
    BulkDeleteResult,
    EntryCreate,
    EntryItem,
    EntryPage,
    EntryQuery,
    EntryTotals,
    EntryUpdate,
)

if TYPE_CHECKING:
    from co2calc.auth.policy import Principal

__all__ = ["build_router"]

BASE = "/<int:unit_id>/<int:year>/<submodule>"
ONE = BASE + "/<int:entry_id>"


def _query_model(spec: ModuleSpec) -> type[EntryQuery]:
    fields: dict[str, Any] = {f: (str | None, None) for f in spec.filter_fields}
    name = "".join(p.title() for p in spec.module.split("-")) + "EntryQuery"
    return create_model(name, __base__=EntryQuery, **fields)


def _tx(p: Principal):
    return transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id)


def _query_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message,
        errors=[
            {"loc": ["query", field], "field": field, "type": "value_error", "message": message}
        ],
    )


def _sort(spec: ModuleSpec, submodule: str, sub: SubmoduleSpec, sort: str | None):
    raw = sort or "id"
    descending, name = raw.startswith("-"), raw.lstrip("-")
    if name in COLUMN_SORTS:
        return name, "column", descending
    if name not in sub.sortable:
        allowed = ", ".join(sorted(COLUMN_SORTS | set(sub.sortable)))
        raise _query_error("sort", f"cannot sort on {name!r}; use one of {allowed}")
    annotation = spec.model(submodule).model_fields[name].annotation
    numeric = any(a in (Decimal, int) for a in (get_args(annotation) or (annotation,)))
    return name, "numeric" if numeric else "text", descending


class _Alternatives:
    """Train alternatives of plane entries, computed with the year's context."""

    def __init__(self, conn, module: str, submodule: str, year: int) -> None:
        self.ctx = None
        if module == "travel" and submodule == "plane":
            from co2calc import factorstore

            self.ctx = factorstore.calc_context(conn, year)
            self.max_km = train_alternative_km()

    def __call__(self, row: dict[str, Any]):
        if self.ctx is None or row["flag_reason"] is not None:
            return None
        return train_alternative(row["data"], self.ctx, self.max_km)


def build_router(module: str) -> Router:
    spec = SPECS[module]
    router = Router(tags=(module,))
    query_model = _query_model(spec)

    def submodule_of(submodule: str) -> SubmoduleSpec:
        sub = spec.submodules.get(submodule)
        if sub is None:
            raise NotFound(f"{module} has no submodule {submodule!r}.")
        return sub

    def load(conn, unit_id: int, year: int, submodule: str, entry_id: int, *, lock=False):
        row = sql.get_entry(conn, entry_id, lock=lock)
        if row is None or (row["unit_id"], row["year"], row["module"], row["submodule"]) != (
            unit_id,
            year,
            module,
            submodule,
        ):
            raise NotFound(f"No {module}/{submodule} entry {entry_id} in this report.")
        return row

    def one(conn, row: dict[str, Any], emissions=None) -> EntryItem:
        if emissions is None:
            emissions = sql.emissions_of(conn, [row["id"]])[row["id"]]
        alt = _Alternatives(conn, module, row["submodule"], row["year"])
        return item(row, emissions, alt(row))

    @router.get(BASE, query=query_model, response=EntryPage, summary=f"List {module} entries")
    def list_entries(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, *, query: EntryQuery
    ) -> EntryPage:
        """Entries of one submodule: page, sort, filters, q and totals of the filtered rows."""
        p = ctx.user
        sub = submodule_of(submodule)
        scope = access.read_scope(p, spec, unit_id)
        sort, kind, descending = _sort(spec, submodule, sub, query.sort)
        equals: dict[str, str] = {}
        for f in spec.filter_fields:
            value = getattr(query, f)
            if value is not None:
                if f not in sub.filterable:
                    raise _query_error(f, f"{submodule} entries cannot be filtered on {f}")
                equals[f] = value
        filters = sql.ListFilter(
            data_equals=equals,
            flagged=query.flagged,
            owner_user_id=p.user_id if scope == "own" else query.owner_user_id,
            q=query.q,
            search_fields=sub.searchable,
        )
        with _tx(p) as conn:
            report = sql.report_for(conn, unit_id, year)
            if report is None:
                raise NotFound(f"No report for unit {unit_id} in {year}.")
            rows, count, kg = sql.list_entries(
                conn,
                report_id=report["id"],
                module=module,
                submodule=submodule,
                filters=filters,
                sort=sort,
                sort_kind=kind,
                descending=descending,
                limit=query.page_size,
                offset=query.offset,
            )
            emissions = sql.emissions_of(conn, [r["id"] for r in rows])
            alt = _Alternatives(conn, module, submodule, year)
            items = [item(r, emissions[r["id"]], alt(r)) for r in rows]
        return EntryPage(
            items=items,
            total=count,
            page=query.page,
            page_size=query.page_size,
            totals=EntryTotals(count=count, kg_co2e=kg),
        )

    @router.get(ONE, response=EntryItem, summary=f"One {module} entry")
    def get_entry(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, entry_id: int
    ) -> EntryItem:
        """One entry with its emission rows and flag."""
        p = ctx.user
        submodule_of(submodule)
        access.read_scope(p, spec, unit_id)
        with _tx(p) as conn:
            row = load(conn, unit_id, year, submodule, entry_id)
            access.check_row(p, spec, row, write=False)
            return one(conn, row)

    @router.post(BASE, body=EntryCreate, response=EntryItem, status=201,
                 summary=f"Create a {module} entry")  # fmt: skip
    def create_entry(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, *, body: EntryCreate
    ) -> EntryItem:
        """Validate, compute inline and store one entry (flagged when it cannot be computed)."""
        p = ctx.user
        submodule_of(submodule)
        scope = access.write_scope(p, spec, unit_id)
        with _tx(p) as conn:
            report = sql.report_for(conn, unit_id, year)
            if report is None:
                raise NotFound(f"No report for unit {unit_id} in {year}.")
            access.check_writable(p, report)
            owner, data = access.resolve_owner(conn, p, spec, scope, body.data, body.owner_user_id)
            row = service.create_entry(
                conn,
                report=report,
                module=module,
                submodule=submodule,
                data=data,
                actor_id=p.user_id,
                note=body.note,
                owner_user_id=owner,
                request_id=ctx.request_id,
            )
            return one(conn, row, row["emissions"])

    @router.put(ONE, body=EntryUpdate, response=EntryItem, summary=f"Update a {module} entry")
    def update_entry(
        ctx: RequestContext,
        unit_id: int,
        year: int,
        submodule: str,
        entry_id: int,
        *,
        body: EntryUpdate,
    ) -> EntryItem:
        """Full update; 409 when ``version`` is not the stored one."""
        p = ctx.user
        submodule_of(submodule)
        scope = access.write_scope(p, spec, unit_id)
        with _tx(p) as conn:
            row = load(conn, unit_id, year, submodule, entry_id, lock=True)
            access.check_row(p, spec, row, write=True)
            access.check_writable(p, row)
            owner, data = access.resolve_owner(
                conn, p, spec, scope, body.data, body.owner_user_id, row["owner_user_id"]
            )
            updated = service.update_entry(
                conn,
                entry=row,
                data=data,
                version=body.version,
                actor_id=p.user_id,
                note=body.note,
                owner_user_id=owner,
                request_id=ctx.request_id,
            )
            return one(conn, updated, updated["emissions"])

    @router.delete(ONE, status=204, summary=f"Delete a {module} entry")
    def delete_entry(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, entry_id: int
    ) -> None:
        """Delete one entry and its emission rows."""
        p = ctx.user
        submodule_of(submodule)
        access.write_scope(p, spec, unit_id)
        with _tx(p) as conn:
            row = load(conn, unit_id, year, submodule, entry_id, lock=True)
            access.check_row(p, spec, row, write=True)
            access.check_writable(p, row)
            service.delete_entries(conn, [row], actor_id=p.user_id, request_id=ctx.request_id)

    @router.post(BASE + "/bulk-delete", body=BulkDelete, response=BulkDeleteResult,
                 summary=f"Delete several {module} entries")  # fmt: skip
    def bulk_delete_entries(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, *, body: BulkDelete
    ) -> BulkDeleteResult:
        """Delete several entries: all of them, or none when any may not be deleted."""
        p = ctx.user
        submodule_of(submodule)
        access.write_scope(p, spec, unit_id)
        ids = sorted(set(body.ids))
        with _tx(p) as conn:
            rows = [
                r
                for r in sql.get_entries(conn, ids, lock=True)
                if (r["unit_id"], r["year"], r["module"], r["submodule"])
                == (unit_id, year, module, submodule)
            ]
            missing = sorted(set(ids) - {r["id"] for r in rows})
            if missing:
                raise NotFound(
                    f"No {module}/{submodule} entries {missing} in this report; nothing deleted.",
                    missing_ids=missing,
                )
            refused = []
            for r in rows:
                try:
                    access.check_row(p, spec, r, write=True)
                except Forbidden:
                    refused.append(r["id"])
            if refused:
                raise Forbidden(
                    f"You may not delete entries {refused}; nothing deleted.", refused_ids=refused
                )
            access.check_writable(p, rows[0])
            n = service.delete_entries(conn, rows, actor_id=p.user_id, request_id=ctx.request_id)
        return BulkDeleteResult(deleted=n)

    @router.get(ONE + "/explain", response=dict[str, Any],
                summary=f"Explain a {module} entry's emissions")  # fmt: skip
    def explain_entry(
        ctx: RequestContext, unit_id: int, year: int, submodule: str, entry_id: int
    ) -> dict[str, Any]:
        """Inputs, factors with sources, intermediate values and result of the calculation."""
        from co2calc import factorstore
        from co2calc.calc import explain

        p = ctx.user
        submodule_of(submodule)
        access.read_scope(p, spec, unit_id)
        with _tx(p) as conn:
            row = load(conn, unit_id, year, submodule, entry_id)
            access.check_row(p, spec, row, write=False)
            model = service.validate_data(module, submodule, row["data"])
            return explain(module, submodule, model, factorstore.calc_context(conn, year))

    return router
