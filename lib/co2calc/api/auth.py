"""auth function: OIDC sign-in (login, callback), the current session and sign-out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from co2calc.auth.sessions import SESSION_COOKIE, end_session, hash_token
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import BadRequest
from co2calc.models.auth import Permissions, SessionInfo, SessionRole, SessionUser
from co2calc.settings import get_settings

__all__ = ["api", "router"]

router = Router(tags=("auth",))

MAX_CALLBACK_BODY = 64 * 1024


class LoginQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    return_to: str = Field(
        default="/", max_length=2048, description="same-origin path to return to after sign-in"
    )


@router.get(
    "/login",
    query=LoginQuery,
    access="public",
    status=302,
    extra_responses={302: "Redirect to the identity provider"},
)
def login(ctx: RequestContext, *, query: LoginQuery) -> Response:
    """Start an OIDC sign-in (auth code + PKCE) and redirect to the identity provider."""
    from co2calc.auth.oidc import LOGIN_COOKIE, begin_login

    start = begin_login(query.return_to)
    response = redirect(start.auth_uri, code=302)
    if start.binding:
        # sent back on the provider's cross-site form_post: SameSite=None (needs Secure)
        response.set_cookie(
            LOGIN_COOKIE,
            start.binding,
            max_age=get_settings().oidc_login_flow_minutes * 60,
            path="/api/auth/callback",
            secure=True,
            httponly=True,
            samesite="None",
        )
    return response


@router.post(
    "/callback",
    access="public",
    csrf=False,
    status=303,
    extra_responses={303: "Signed in; redirect to return_to"},
)
def callback(ctx: RequestContext) -> Response:
    """The provider's form_post response: consume the flow by state, validate, sign in."""
    from co2calc.auth.oidc import LOGIN_COOKIE, complete_login

    request = ctx.request
    if (request.content_length or 0) > MAX_CALLBACK_BODY:
        raise BadRequest("The sign-in response is too large.")
    request.max_content_length = MAX_CALLBACK_BODY
    if request.mimetype != "application/x-www-form-urlencoded":
        raise BadRequest("The sign-in response must be a form post.", reason="not_form_post")
    form = {k: v for k, v in request.form.items() if isinstance(v, str)}
    old = request.cookies.get(SESSION_COOKIE)
    done = complete_login(
        form,
        request.cookies.get(LOGIN_COOKIE),
        old_session_hash=hash_token(old) if old and len(old) <= 128 else None,
    )
    settings = get_settings()
    ctx.cookies.append((SESSION_COOKIE, done.token, settings.session_absolute_hours * 3600))
    response = redirect(done.return_to, code=303)
    response.delete_cookie(
        LOGIN_COOKIE, path="/api/auth/callback", secure=True, httponly=True, samesite="None"
    )
    return response


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
