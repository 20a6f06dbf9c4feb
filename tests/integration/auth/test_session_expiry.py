"""Idle expiry of server-side sessions: every request slides it, written at most once a minute."""

from __future__ import annotations

from co2calc.auth.sessions import hash_token
from co2calc.db import transaction

MEMBER = "100003"


def _session(token: str) -> dict:
    with transaction(all_units=True) as conn:
        return conn.execute(
            "select last_seen_at, idle_expires_at, absolute_expires_at from user_session"
            " where token_hash = %s",
            (hash_token(token),),
        ).fetchone()


def _age(token: str, minutes: int) -> None:
    with transaction(all_units=True) as conn:
        conn.execute(
            "update user_session set last_seen_at = now() - make_interval(mins => %s),"
            " idle_expires_at = now() + interval '5 minutes' where token_hash = %s",
            (minutes, hash_token(token)),
        )


def test_a_request_slides_the_idle_expiry_once_a_minute(sign_in):
    caller = sign_in(MEMBER)
    # GIVEN a session last seen 2 minutes ago, 5 minutes before its idle expiry
    _age(caller.token, 2)
    before = _session(caller.token)
    # WHEN the person makes a request
    assert caller.get("/api/auth/session").status_code == 200
    # THEN the session was seen now and its idle expiry moved forward (default 60 min idle)
    after = _session(caller.token)
    assert after["last_seen_at"] > before["last_seen_at"]
    assert after["idle_expires_at"] > before["idle_expires_at"]
    assert after["idle_expires_at"] <= after["absolute_expires_at"]
    # AND a second request within the minute writes nothing (the stored values stay)
    assert caller.get("/api/auth/session").status_code == 200
    assert _session(caller.token) == after


def test_an_idle_expired_session_is_refused(sign_in):
    caller = sign_in(MEMBER)
    with transaction(all_units=True) as conn:
        conn.execute(
            "update user_session set idle_expires_at = now() - interval '1 second'"
            " where token_hash = %s",
            (hash_token(caller.token),),
        )
    assert caller.get("/api/auth/session").status_code == 401
