"""audit function: the audit trail, for global administrators only."""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from co2calc.auth.policy import Action, can
from co2calc.db import audit as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Forbidden
from co2calc.models.audit import AuditEntry, AuditExportQuery, AuditQuery
from co2calc.models.common import Page
from co2calc.results import export

__all__ = ["EXPORT_LIMIT", "api", "router"]

router = Router(tags=("audit",))
EXPORT_LIMIT = 100_000


def _admin(ctx: RequestContext) -> None:
    if not can(ctx.user, Action.AUDIT):
        raise Forbidden("Only global administrators read the audit log.")


def _filters(q: AuditQuery | AuditExportQuery) -> dict:
    return q.model_dump(include={"resource", "unit_id", "actor_id", "action", "since", "until"})


@router.get("/", query=AuditQuery, response=Page[AuditEntry])
def list_audit(ctx: RequestContext, *, query: AuditQuery) -> Page[AuditEntry]:
    """Audit rows, newest first, filtered by resource, unit, actor, action and time."""
    _admin(ctx)
    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        rows, total = sql.list_audit(
            conn, limit=query.page_size, offset=query.offset, **_filters(query)
        )
    return Page[AuditEntry](
        items=[AuditEntry.model_validate(r) for r in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get("/export", query=AuditExportQuery)
def export_audit(ctx: RequestContext, *, query: AuditExportQuery) -> Response:
    """The filtered audit rows as CSV (at most 100,000, newest first)."""
    _admin(ctx)
    p = ctx.user
    with transaction(all_units=True, user_id=p.user_id) as conn:
        rows, _ = sql.list_audit(conn, limit=EXPORT_LIMIT, offset=0, **_filters(query))
    cols = ["id", "at", "actor_id", "actor_name", "action", "resource", "resource_id", "unit_id"]
    header = [*cols, "request_id", "before", "after"]

    def dump(v: object) -> str:
        return "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)

    data = export.to_csv(
        header,
        (
            [r[c] for c in cols] + [r["request_id"], dump(r["before"]), dump(r["after"])]
            for r in rows
        ),
    )
    return Response(
        data,
        mimetype=export.CSV_MIME,
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


api = Api("audit", "/api/audit", router)
