"""OIDC sign-in with msal: auth-code flow with PKCE, state, nonce and form_post.

``begin_login`` starts a flow (stored server-side in ``login_flow``, keyed by
its state, single use, expiring after ``oidc_login_flow_minutes``) and returns
the provider's authorisation URL. ``complete_login`` consumes the flow by the
state the provider posts back, redeems the code with msal, validates the ID
token in our code (``co2calc.auth.tokens``), upserts the user keyed on
(tenant, subject), refreshes roles from the directory if configured and starts
a session.

Provider choice is configuration: Entra ID (``oidc_generic=false``, authority
``https://login.microsoftonline.com/<tenant>``) or any OIDC issuer
(``oidc_generic=true``, passed to msal as ``oidc_authority``). Settings are read
per request, so tests (and config reloads) take effect without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from co2calc.auth.tokens import Identity, JwksCache, TokenInvalid, validate_id_token
from co2calc.http.errors import BadRequest, ServiceError
from co2calc.obs import log_event
from co2calc.settings import Settings, get_settings

__all__ = [
    "LOGIN_COOKIE",
    "LoginStart",
    "ProviderUnavailable",
    "SignInFailed",
    "begin_login",
    "complete_login",
    "safe_return_to",
]

LOGIN_COOKIE = "co2calc_login"
CALLBACK_PATH = "/api/auth/callback"
_MAX_RETURN_TO = 512


class SignInFailed(BadRequest):
    """400: the sign-in response was rejected; no session was created."""

    slug, title = "sign-in-failed", "Sign-in failed"


class ProviderUnavailable(ServiceError):
    status, slug, title = 502, "identity-provider-unavailable", "Identity provider unavailable"


def safe_return_to(value: str | None) -> str:
    """A same-origin relative path, or '/' (no scheme, host, '//' or backslashes)."""
    if not value or len(value) > _MAX_RETURN_TO:
        return "/"
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


# -- provider configuration -------------------------------------------------------


def _authority(settings: Settings) -> str:
    authority = settings.oidc_authority.rstrip("/")
    if not authority.startswith("https://"):
        raise ProviderUnavailable("CO2CALC_OIDC_AUTHORITY must be an https:// URL.")
    if not settings.oidc_generic and authority.endswith("/v2.0"):
        authority = authority[: -len("/v2.0")]
    return authority


def _discovery_url(settings: Settings) -> str:
    authority = _authority(settings)
    if settings.oidc_generic:
        return authority + "/.well-known/openid-configuration"
    return authority + "/v2.0/.well-known/openid-configuration"


def allowed_tenants(settings: Settings) -> list[str]:
    """The configured list; when empty, only the configured issuer/tenant."""
    if settings.oidc_allowed_tenants:
        return list(settings.oidc_allowed_tenants)
    if settings.oidc_generic:  # the issuer named by the authority's discovery document
        return [_jwks_cache(settings).metadata().issuer]
    return [urlsplit(_authority(settings)).path.strip("/").split("/")[0]]


def bind_browser(settings: Settings) -> bool:
    if settings.oidc_bind_browser is not None:
        return settings.oidc_bind_browser
    return settings.cookie_secure


_lock = threading.Lock()
_apps: dict[tuple, Any] = {}
_jwks: dict[tuple, JwksCache] = {}


def _msal_app(settings: Settings):
    key = (
        settings.oidc_generic,
        _authority(settings),
        settings.oidc_client_id,
        settings.oidc_client_secret.get_secret_value(),
        settings.oidc_ca_bundle,
    )
    with _lock:
        app = _apps.get(key)
        if app is None:
            import msal
            import requests

            session = requests.Session()
            if settings.oidc_ca_bundle:
                # REQUESTS_CA_BUNDLE would override verify= (architecture §8)
                session.trust_env = False
                session.verify = settings.oidc_ca_bundle
            authority = {"oidc_authority" if settings.oidc_generic else "authority": key[1]}
            try:
                app = msal.ConfidentialClientApplication(
                    settings.oidc_client_id,
                    client_credential=settings.oidc_client_secret.get_secret_value(),
                    http_client=session,
                    timeout=settings.oidc_http_timeout_s,
                    **authority,
                )
            except Exception as exc:  # discovery failed: network, TLS, bad authority
                log_event("oidc provider unavailable", logging.ERROR, error=str(exc)[:300])
                raise ProviderUnavailable("The identity provider cannot be reached.") from None
            _apps[key] = app
        return app


def _jwks_cache(settings: Settings) -> JwksCache:
    key = (_discovery_url(settings), settings.oidc_ca_bundle, settings.oidc_jwks_ttl_s)
    with _lock:
        cache = _jwks.get(key)
        if cache is None:
            cache = _jwks[key] = JwksCache(
                key[0],
                ca_bundle=settings.oidc_ca_bundle,
                ttl_s=settings.oidc_jwks_ttl_s,
                timeout_s=settings.oidc_http_timeout_s,
            )
        return cache


def reset_caches() -> None:
    """Forget msal apps and key sets (tests, configuration changes)."""
    with _lock:
        _apps.clear()
        _jwks.clear()


# -- the two halves of the flow -------------------------------------------------------


@dataclass(frozen=True)
class LoginStart:
    auth_uri: str
    binding: str | None  # value of the browser-binding cookie, if enabled


def _binding_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def begin_login(return_to: str | None) -> LoginStart:
    from co2calc.db import login_flows as sql
    from co2calc.db import transaction

    settings = get_settings()
    app = _msal_app(settings)
    try:
        flow = app.initiate_auth_code_flow(
            settings.oidc_scopes,
            redirect_uri=settings.public_url.rstrip("/") + CALLBACK_PATH,
            state=secrets.token_urlsafe(32),
            response_mode="form_post",
        )
    except Exception as exc:
        log_event("oidc login start failed", logging.ERROR, error=str(exc)[:300])
        raise ProviderUnavailable("The identity provider cannot be reached.") from None
    binding = secrets.token_urlsafe(32) if bind_browser(settings) else None
    stored = {"msal": flow, "binding": _binding_hash(binding) if binding else None}
    with transaction() as conn:
        sql.create_flow(
            conn,
            flow["state"],
            stored,
            safe_return_to(return_to),
            settings.oidc_login_flow_minutes,
        )
    return LoginStart(flow["auth_uri"], binding)


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    token: str
    csrf: str
    return_to: str


def _fail(reason: str, detail: str, **log: Any) -> SignInFailed:
    log_event("sign-in rejected", logging.WARNING, reason=reason, **log)
    return SignInFailed(detail, reason=reason)


def complete_login(
    form: dict[str, str], binding_cookie: str | None, old_session_hash: str | None = None
) -> SignedIn:
    """Consume the flow named by ``form['state']`` and sign the user in."""
    from co2calc.auth.sessions import end_session, start_session
    from co2calc.db import login_flows as flows_sql
    from co2calc.db import sessions as sessions_sql
    from co2calc.db import transaction

    settings = get_settings()
    state = form.get("state") or ""
    if not state or len(state) > 128:
        raise _fail("state_missing", "The sign-in response has no state; start again.")
    # single use: consumed (and committed) before anything else happens
    with transaction() as conn:
        row = flows_sql.consume_flow(conn, state)
        why = None if row is not None else flows_sql.flow_state(conn, state)
    if row is None:
        detail = {
            "unknown": "This sign-in attempt is unknown; start again.",
            "used": "This sign-in attempt was used already; start again.",
            "expired": "This sign-in attempt has expired; start again.",
        }[why or "unknown"]
        raise _fail(f"state_{why}", detail)
    stored, return_to = row["flow"], safe_return_to(row["return_to"])
    flow = stored.get("msal") or {}

    expected = stored.get("binding")
    if expected and (
        not binding_cookie or not hmac.compare_digest(_binding_hash(binding_cookie), expected)
    ):
        raise _fail("browser_mismatch", "This sign-in was started in another browser.")
    if form.get("error"):
        code = form["error"] if form["error"].replace("_", "").isalnum() else "error"
        raise _fail("provider_error", f"The identity provider refused the sign-in ({code}).")

    app = _msal_app(settings)
    try:
        result = app.acquire_token_by_auth_code_flow(flow, dict(form))
    except RuntimeError as exc:  # msal's own nonce check
        raise _fail(
            "nonce", "The sign-in response does not match this attempt.", error=str(exc)[:200]
        ) from None
    except ValueError as exc:  # state mismatch, missing code
        raise _fail(
            "invalid_response", "The sign-in response is invalid.", error=str(exc)[:200]
        ) from None
    except Exception as exc:
        log_event("oidc token exchange failed", logging.ERROR, error=str(exc)[:300])
        raise ProviderUnavailable("The identity provider cannot be reached.") from None
    if "error" in result or not result.get("id_token"):
        raise _fail(
            "token_exchange",
            "The identity provider did not issue an ID token.",
            error=str(result.get("error"))[:100],
        )

    try:
        identity = validate_id_token(
            result["id_token"],
            keys=_jwks_cache(settings),
            client_id=settings.oidc_client_id,
            nonce=flow.get("nonce", ""),
            allowed_tenants=allowed_tenants(settings),
            entra=not settings.oidc_generic,
            person_id_claim=settings.oidc_person_id_claim,
            leeway_s=settings.oidc_clock_skew_s,
        )
    except TokenInvalid as exc:
        raise _fail(exc.reason, "The identity token was rejected.", error=str(exc)[:200]) from None

    refresh_roles(settings, identity)
    with transaction(all_units=True) as conn:
        if identity.person_id is not None:
            moved = flows_sql.unlink_person(
                conn, identity.person_id, identity.tenant, identity.subject
            )
            if moved:
                log_event("person id moved to a new account", previous_user_ids=moved)
        user_id = sessions_sql.upsert_user(
            conn,
            identity.tenant,
            identity.subject,
            identity.display_name,
            identity.email,
            identity.person_id,
            login_at=datetime.now(UTC),
        )
        if old_session_hash:
            end_session(conn, old_session_hash)  # no session fixation
        token, csrf = start_session(conn, user_id)
    log_event("signed in", user_id=user_id, person_linked=identity.person_id is not None)
    return SignedIn(user_id, token, csrf, return_to)


def refresh_roles(settings: Settings, identity: Identity) -> None:
    """Re-sync roles from the directory at sign-in; failures are logged, roles kept."""
    if not settings.directory_sync_on_login or identity.person_id is None:
        return
    try:
        from co2calc.directory import guarded_sync
        from co2calc.directory.providers import provider_from_settings

        report = guarded_sync(provider_from_settings(settings).fetch(), settings=settings)
        log_event(
            "directory synced at sign-in", roles=report.roles, roles_removed=report.roles_removed
        )
    except Exception as exc:  # never block sign-in, never delete roles on failure
        log_event("directory sync at sign-in failed", logging.WARNING, error=str(exc)[:300])
