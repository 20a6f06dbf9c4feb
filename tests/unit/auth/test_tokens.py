"""ID token validation (co2calc.auth.tokens) against a local JWKS over HTTP."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from co2calc.auth.oidc import safe_return_to
from co2calc.auth.tokens import JwksCache, TokenInvalid, nonce_hash, validate_id_token

CLIENT = "co2calc-test"
NONCE = "raw-nonce-123"


class _Directory:
    def __init__(self) -> None:
        self.issuer = "https://issuer.test"
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "k1"})]
        self.jwks_hits = 0


@pytest.fixture
def idp():
    state = _Directory()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/.well-known/openid-configuration":
                body = {"issuer": state.issuer, "jwks_uri": f"{base}/jwks"}
            elif self.path == "/jwks":
                state.jwks_hits += 1
                body = KeySet(state.keys).as_dict(private=False)
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.cache = JwksCache(f"{base}/.well-known/openid-configuration", min_refetch_interval_s=0)
    yield state
    server.shutdown()
    server.server_close()


def _claims(idp, **over):
    now = int(time.time())
    claims = {
        "iss": idp.issuer,
        "aud": CLIENT,
        "sub": "subject-1",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "nonce": nonce_hash(NONCE),
        "email": "a@b.c",
        "name": "Display Name",
        "person_id": "100002",
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims, key, alg="RS256"):
    header = {"alg": alg}
    if getattr(key, "kid", None):
        header["kid"] = key.kid
    return jwt.encode(header, claims, key)


def _validate(idp, token, **kw):
    args = dict(
        keys=idp.cache,
        client_id=CLIENT,
        nonce=NONCE,
        allowed_tenants=[idp.issuer],
        entra=False,
    )
    args.update(kw)
    return validate_id_token(token, **args)


def _reason(idp, token, **kw) -> str:
    with pytest.raises(TokenInvalid) as exc:
        _validate(idp, token, **kw)
    return exc.value.reason


def test_valid_token(idp):
    ident = _validate(idp, _sign(_claims(idp), idp.keys[0]))
    assert (ident.tenant, ident.subject, ident.person_id) == (idp.issuer, "subject-1", "100002")
    assert ident.display_name == "Display Name"


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"nonce": nonce_hash("another")}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"aud": "someone-else"}, "audience"),
        ({"aud": [CLIENT, "other"]}, "audience"),  # several audiences, no azp
        ({"iss": "https://evil.test"}, "issuer"),
        ({"exp": -121}, "expired"),
        ({"exp": None}, "claims"),
        ({"nbf": +600}, "not_yet_valid"),
        ({"sub": None}, "claims"),
    ],
)
def test_rejected_claims(idp, over, reason):
    # "exp"/"nbf" are given as seconds from now and resolved here, not at collection:
    # the suite runs for minutes, so a timestamp fixed at collection drifts into the leeway.
    now = int(time.time())
    over = {k: now + v if k in ("exp", "nbf") and v is not None else v for k, v in over.items()}
    assert _reason(idp, _sign(_claims(idp, **over), idp.keys[0])) == reason


def test_small_clock_skew_is_tolerated(idp):
    token = _sign(_claims(idp, exp=int(time.time()) - 60), idp.keys[0])
    assert _validate(idp, token).subject == "subject-1"


def test_tenant_not_allowed(idp):
    token = _sign(_claims(idp), idp.keys[0])
    assert _reason(idp, token, allowed_tenants=["https://other.test"]) == "tenant"


def test_entra_tenant_and_template_issuer(idp):
    idp.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"
    tid = "11111111-2222-3333-4444-555555555555"
    claims = _claims(idp, iss=f"https://login.microsoftonline.com/{tid}/v2.0", tid=tid, oid="oid-9")
    token = _sign(claims, idp.keys[0])
    ident = _validate(idp, token, entra=True, allowed_tenants=[tid])
    assert (ident.tenant, ident.subject) == (tid, "oid-9")
    assert _reason(idp, token, entra=True, allowed_tenants=["another-tenant"]) == "tenant"
    # a token of another tenant cannot pass with our tenant's issuer
    forged = _sign(dict(claims, tid="evil"), idp.keys[0])
    assert _reason(idp, forged, entra=True, allowed_tenants=[tid]) == "issuer"


def test_signature_from_another_key(idp):
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert _reason(idp, _sign(_claims(idp), other)) == "signature"


def test_symmetric_and_none_algorithms_refused(idp):
    hs = OctKey.generate_key(256, parameters={"kid": "k1"})
    assert _reason(idp, _sign(_claims(idp), hs, "HS256")) == "signature"
    import base64

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none'})}.{b64(_claims(idp))}."
    assert _reason(idp, unsigned) == "signature"
    assert _reason(idp, "not-a-jwt") == "malformed"


def test_unknown_kid_refetches_once(idp):
    _validate(idp, _sign(_claims(idp), idp.keys[0]))
    hits = idp.jwks_hits
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    idp.keys.append(rotated)
    assert _validate(idp, _sign(_claims(idp), rotated)).subject == "subject-1"
    assert idp.jwks_hits == hits + 1
    ghost = RSAKey.generate_key(2048, parameters={"kid": "k3"})
    assert _reason(idp, _sign(_claims(idp), ghost)) == "signature"
    assert idp.jwks_hits == hits + 2  # one refetch per unknown kid, not a loop


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/en/units", "/en/units"),
        ("/en/units?year=2024#x", "/en/units?year=2024#x"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("en/units", "/"),
        ("/a\nb", "/"),
        ("", "/"),
        (None, "/"),
        ("/" + "a" * 600, "/"),
    ],
)
def test_safe_return_to(value, expected):
    assert safe_return_to(value) == expected
