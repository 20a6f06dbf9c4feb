"""OIDC sign-in over real HTTP: gateway ⇄ the HTTPS test issuer, redirects followed by hand."""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from co2calc.auth.oidc import LOGIN_COOKIE
from co2calc.auth.sessions import SESSION_COOKIE

from .conftest import RT_MEMBER, RT_PRINCIPAL


def _count_sessions() -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute("select count(*) as n from user_session").fetchone()["n"]


def _set_cookies(r: httpx.Response) -> dict[str, str]:
    """name → full Set-Cookie header (httpx's jar drops Secure cookies over http)."""
    return {h.split("=", 1)[0]: h for h in r.headers.get_list("set-cookie")}


def _cookie_value(header: str) -> str:
    return header.split(";", 1)[0].split("=", 1)[1]


@dataclass
class Flow:
    state: str
    form: dict[str, str]  # what the provider form_posts back (code, state)
    login_cookie: str | None
    action: str


class Browser:
    def __init__(self, gateway: str, issuer) -> None:
        self.app = httpx.Client(base_url=gateway, timeout=30, follow_redirects=False)
        self.idp = httpx.Client(
            verify=ssl.create_default_context(cafile=str(issuer.ca_path)),
            timeout=30,
            follow_redirects=False,
        )
        self.gateway = gateway

    def start(self, return_to: str = "/en/units") -> tuple[str, str | None]:
        r = self.app.get("/api/auth/login", params={"return_to": return_to})
        assert r.status_code == 302, r.text
        cookie = _set_cookies(r).get(LOGIN_COOKIE)
        if cookie:
            assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=None" in cookie
        return r.headers["location"], _cookie_value(cookie) if cookie else None

    def authorize(self, auth_uri: str, sub: str) -> tuple[str, dict[str, str]]:
        page = self.idp.get(auth_uri)
        assert page.status_code == 200 and sub in page.text  # a predefined user button
        posted = self.idp.post(auth_uri, data={"sub": sub})
        assert posted.status_code == 200, posted.text
        action = re.search(r'<form method="post" action="([^"]+)"', posted.text).group(1)
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', posted.text))
        return action, fields

    def begin(self, sub: str, return_to: str = "/en/units") -> Flow:
        auth_uri, cookie = self.start(return_to)
        query = dict(httpx.URL(auth_uri).params)
        assert query["response_mode"] == "form_post"
        assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
        action, fields = self.authorize(auth_uri, sub)
        return Flow(query["state"], fields, cookie, action)

    def callback(self, form: dict[str, str], login_cookie: str | None) -> httpx.Response:
        headers = {"Cookie": f"{LOGIN_COOKIE}={login_cookie}"} if login_cookie else {}
        return self.app.post("/api/auth/callback", data=form, headers=headers)

    def close(self) -> None:
        self.app.close()
        self.idp.close()


@pytest.fixture
def browser(gateway, issuer):
    b = Browser(gateway, issuer)
    yield b
    b.close()


def _sign_in(
    browser: Browser, sub: str, return_to: str = "/en/units"
) -> tuple[str, httpx.Response]:
    flow = browser.begin(sub, return_to)
    assert flow.action == f"{browser.gateway}/api/auth/callback"
    r = browser.callback(flow.form, flow.login_cookie)
    assert r.status_code == 303, r.text
    session = _set_cookies(r)[SESSION_COOKIE]
    return _cookie_value(session), r


def _assert_rejected(r: httpx.Response, reason: str, sessions_before: int) -> None:
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"].endswith("/sign-in-failed") and body["reason"] == reason
    assert SESSION_COOKIE not in _set_cookies(r)
    assert _count_sessions() == sessions_before


def test_round_trip_ends_with_a_session_and_roles(browser):
    token, r = _sign_in(browser, RT_PRINCIPAL[0])
    assert r.headers["location"] == "/en/units"
    cookie = _set_cookies(r)[SESSION_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    me = browser.app.get("/api/auth/session", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["user"]["email"] == RT_PRINCIPAL[0]
    assert body["user"]["display_name"] == RT_PRINCIPAL[2]
    assert [(x["role"], x["unit_code"]) for x in body["roles"]] == [("principal", "ENAC-CLIM-LAB1")]
    assert body["permissions"]["manage"] == body["permissions"]["units"] != []
    assert body["csrf_token"]


def test_user_keyed_on_issuer_and_subject(browser, issuer):
    from co2calc.db import transaction

    _sign_in(browser, RT_MEMBER[0])
    _sign_in(browser, RT_MEMBER[0])  # the same account again, not a second one
    with transaction(all_units=True) as conn:
        rows = conn.execute(
            "select tenant_id, object_id, person_id from app_user where object_id = %s",
            (RT_MEMBER[0],),
        ).fetchall()
    assert [(r["tenant_id"], r["person_id"]) for r in rows] == [(issuer.url, RT_MEMBER[1])]


def test_foreign_return_to_becomes_root(browser):
    _, r = _sign_in(browser, RT_MEMBER[0], return_to="https://evil.example/steal")
    assert r.headers["location"] == "/"


def test_missing_state(browser):
    before = _count_sessions()
    flow = browser.begin(RT_MEMBER[0])
    form = {k: v for k, v in flow.form.items() if k != "state"}
    _assert_rejected(browser.callback(form, flow.login_cookie), "state_missing", before)


def test_tampered_state(browser):
    before = _count_sessions()
    flow = browser.begin(RT_MEMBER[0])
    form = dict(flow.form, state=flow.state[:-2] + ("AA" if flow.state[-2:] != "AA" else "BB"))
    _assert_rejected(browser.callback(form, flow.login_cookie), "state_unknown", before)


def test_expired_state(browser):
    from co2calc.db import transaction

    flow = browser.begin(RT_MEMBER[0])
    with transaction(all_units=True) as conn:
        conn.execute(
            "update login_flow set expires_at = now() - interval '1 second' where state = %s",
            (flow.state,),
        )
    before = _count_sessions()
    _assert_rejected(browser.callback(flow.form, flow.login_cookie), "state_expired", before)


def test_replayed_state(browser):
    flow = browser.begin(RT_MEMBER[0])
    assert browser.callback(flow.form, flow.login_cookie).status_code == 303
    before = _count_sessions()
    _assert_rejected(browser.callback(flow.form, flow.login_cookie), "state_used", before)


def test_flow_bound_to_the_browser(browser):
    flow = browser.begin(RT_MEMBER[0])
    assert flow.login_cookie  # binding is on when cookies are Secure
    before = _count_sessions()
    _assert_rejected(browser.callback(flow.form, None), "browser_mismatch", before)


def test_code_from_another_flow_fails_on_nonce(browser):
    """A code injected into another login attempt carries the wrong nonce."""
    first = browser.begin(RT_MEMBER[0])
    second = browser.begin(RT_MEMBER[0])
    before = _count_sessions()
    injected = dict(second.form, code=first.form["code"])
    _assert_rejected(browser.callback(injected, second.login_cookie), "nonce", before)


def test_provider_error_creates_no_session(browser):
    auth_uri, cookie = browser.start()
    state = dict(httpx.URL(auth_uri).params)["state"]
    before = _count_sessions()
    r = browser.callback({"error": "access_denied", "state": state}, cookie)
    _assert_rejected(r, "provider_error", before)


def test_callback_requires_a_form_post(browser):
    r = browser.app.post("/api/auth/callback", json={"state": "x"})
    assert r.status_code == 400
    assert browser.app.get("/api/auth/callback").status_code == 405


def test_logout_revokes_the_session(browser):
    token, _ = _sign_in(browser, RT_MEMBER[0])
    cookie = {"Cookie": f"{SESSION_COOKIE}={token}"}
    me = browser.app.get("/api/auth/session", headers=cookie).json()
    no_csrf = browser.app.post("/api/auth/logout", headers=cookie)
    assert no_csrf.status_code == 403 and no_csrf.json()["type"].endswith("/csrf")
    out = browser.app.post("/api/auth/logout", headers=cookie | {"X-CSRF-Token": me["csrf_token"]})
    assert out.status_code == 204
    assert "Max-Age=0" in _set_cookies(out)[SESSION_COOKIE] or "expires=" in (
        _set_cookies(out)[SESSION_COOKIE].lower()
    )
    again = browser.app.get("/api/auth/session", headers=cookie)
    assert again.status_code == 401 and again.json()["type"].endswith("/unauthenticated")


def test_new_sign_in_revokes_the_browsers_previous_session(browser):
    old, _ = _sign_in(browser, RT_MEMBER[0])
    flow = browser.begin(RT_MEMBER[0])
    headers = {"Cookie": f"{LOGIN_COOKIE}={flow.login_cookie}; {SESSION_COOKIE}={old}"}
    r = browser.app.post("/api/auth/callback", data=flow.form, headers=headers)
    assert r.status_code == 303
    gone = browser.app.get("/api/auth/session", headers={"Cookie": f"{SESSION_COOKIE}={old}"})
    assert gone.status_code == 401


def test_login_redirects_to_the_configured_issuer(browser, issuer):
    auth_uri, _ = browser.start()
    assert auth_uri.startswith(issuer.authority + "/oauth2/authorize?")
    assert urlsplit(dict(httpx.URL(auth_uri).params)["redirect_uri"]).path == ("/api/auth/callback")
