"""auth function: the current session and sign-out (sign-in: co2calc.auth.oidc)."""

from __future__ import annotations

from co2calc.auth.sessions import SESSION_COOKIE, end_session
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.models.auth import Permissions, SessionInfo, SessionRole, SessionUser

__all__ = ["router"]

router = Router(tags=("auth",))


@router.get("/session", response=SessionInfo)
def current_session(ctx: RequestContext) -> SessionInfo:
    """The signed-in user, roles, computed permissions and the CSRF token."""
    p = ctx.user
    return SessionInfo(
        user=SessionUser(id=str(p.user_id), display_name=p.display_name, email=p.email),
        roles=[SessionRole(role=g.role, unit_id=g.unit_id, unit_code=g.unit_code) for g in p.roles],
        permissions=Permissions(
            admin=p.is_admin,
            units=sorted(p.visible_units),
            manage=sorted(p.managed_units),
            reporting=p.is_admin or bool(p.affiliation_units),
        ),
        csrf_token=p.csrf_token or "",
    )


@router.post("/logout", status=204)
def logout(ctx: RequestContext) -> None:
    """Revoke the session on the server and clear the cookie."""
    p = ctx.user
    if p.session_hash:
        with transaction(all_units=True) as conn:
            end_session(conn, p.session_hash)
    ctx.cookies.append((SESSION_COOKIE, "", None))


api = Api("auth", "/api/auth", router)
