"""ID token validation in our own code (msal ≥ 1.38 no longer validates ID tokens).

``validate_id_token`` checks, with joserfc:

- the signature, against the provider's JWKS (``jwks_uri`` of the discovery
  document, fetched with httpx, cached with a TTL, refetched once when a token
  names an unknown ``kid``); only asymmetric algorithms are accepted;
- ``iss`` equals the discovery document's issuer (Entra's multi-tenant
  ``{tenantid}`` placeholder is filled from the ``tid`` claim);
- ``aud`` contains our client id (and ``azp`` is ours when there are several);
- ``exp``/``nbf``/``iat`` with a small clock skew;
- ``nonce`` equals the hash msal sent for the login flow's nonce;
- the tenant (Entra ``tid``, or the issuer for a generic OIDC provider) is in
  the allowed list.

A failed check raises ``TokenInvalid`` with a stable ``reason``. Display names
and e-mails are returned for display only, never used for authorisation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

__all__ = [
    "ALLOWED_ALGORITHMS",
    "Identity",
    "JwksCache",
    "ProviderMetadata",
    "TokenInvalid",
    "nonce_hash",
    "validate_id_token",
]

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")


class TokenInvalid(Exception):
    """The ID token failed a check; ``reason`` is stable, the message is for logs."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def nonce_hash(nonce: str) -> str:
    """What msal puts in the authorisation request (and the IdP into the token)."""
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


def _verify(ca_bundle: str | None) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True


@dataclass
class ProviderMetadata:
    issuer: str
    jwks_uri: str


@dataclass
class JwksCache:
    """The provider's discovery document and key set, cached for ``ttl_s`` seconds."""

    discovery_url: str
    ca_bundle: str | None = None
    ttl_s: float = 3600.0
    timeout_s: float = 10.0
    min_refetch_interval_s: float = 10.0  # unknown kids cannot make us hammer the IdP
    clock: Callable[[], float] = time.monotonic
    _meta: ProviderMetadata | None = field(default=None, init=False, repr=False)
    _keys: KeySet | None = field(default=None, init=False, repr=False)
    _fetched_at: float = field(default=float("-inf"), init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _get_json(self, client: httpx.Client, url: str) -> dict[str, Any]:
        r = client.get(url)
        r.raise_for_status()
        body = r.json()
        if not isinstance(body, dict):
            raise ValueError(f"{url} did not return a JSON object")
        return body

    def _refresh(self) -> None:
        try:
            with httpx.Client(verify=_verify(self.ca_bundle), timeout=self.timeout_s) as client:
                doc = self._get_json(client, self.discovery_url)
                meta = ProviderMetadata(issuer=str(doc["issuer"]), jwks_uri=str(doc["jwks_uri"]))
                keys = KeySet.import_key_set(self._get_json(client, meta.jwks_uri))  # type: ignore[arg-type]
        except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
            raise TokenInvalid(
                "jwks_unavailable", f"cannot load the provider's keys: {exc}"
            ) from exc
        self._meta, self._keys, self._fetched_at = meta, keys, self.clock()

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._meta is None or self.clock() - self._fetched_at > self.ttl_s:
                self._refresh()
            assert self._meta is not None
            return self._meta

    def key_for(self, kid: str | None) -> Any:
        with self._lock:
            if self._keys is None or self.clock() - self._fetched_at > self.ttl_s:
                self._refresh()
            key = self._find(kid)
            if key is None and self.clock() - self._fetched_at >= self.min_refetch_interval_s:
                self._refresh()  # key rotation: refetch once
                key = self._find(kid)
            if key is None:
                raise TokenInvalid("signature", f"no key with kid {kid!r} in the provider's JWKS")
            return key

    def _find(self, kid: str | None) -> Any:
        assert self._keys is not None
        if kid is None:
            return self._keys.keys[0] if len(self._keys.keys) == 1 else None
        for k in self._keys.keys:
            if k.kid == kid:
                return k
        return None


@dataclass(frozen=True)
class Identity:
    tenant: str  # Entra tid, or the issuer for a generic OIDC provider
    subject: str  # Entra oid, or sub
    person_id: str | None
    email: str | None
    display_name: str
    claims: dict[str, Any]


def validate_id_token(
    token: str,
    *,
    keys: JwksCache,
    client_id: str,
    nonce: str,
    allowed_tenants: Collection[str],
    entra: bool,
    person_id_claim: str = "person_id",
    leeway_s: int = 120,
    now: int | None = None,
) -> Identity:
    """Validate ``token`` (an ID token as a compact JWS) and return who it names.

    ``nonce`` is the login flow's raw nonce; the token carries its SHA-256.
    """
    if not isinstance(token, str) or token.count(".") != 2:
        raise TokenInvalid("malformed", "the ID token is not a compact JWS")
    try:
        header = jws.extract_compact(token.encode("ascii")).protected
    except (JoseError, ValueError, UnicodeError) as exc:
        raise TokenInvalid("malformed", f"unreadable ID token header: {exc}") from exc
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise TokenInvalid("signature", f"algorithm {alg!r} is not accepted")
    key = keys.key_for(header.get("kid"))
    try:
        decoded = jwt.decode(token, key, algorithms=[alg])
    except (JoseError, ValueError) as exc:
        raise TokenInvalid("signature", f"bad signature: {exc}") from exc
    claims = dict(decoded.claims)

    # time: exp is essential; nbf and iat checked when present
    t = int(time.time()) if now is None else now
    exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
    if not isinstance(exp, int | float):
        raise TokenInvalid("claims", "the ID token has no exp")
    if t > exp + leeway_s:
        raise TokenInvalid("expired", "the ID token has expired")
    if isinstance(nbf, int | float) and t < nbf - leeway_s:
        raise TokenInvalid("not_yet_valid", "the ID token is not valid yet")
    if isinstance(iat, int | float) and iat > t + leeway_s:
        raise TokenInvalid("not_yet_valid", "the ID token was issued in the future")

    # issuer (Entra multi-tenant discovery uses a {tenantid} placeholder)
    iss = claims.get("iss")
    expected_iss = keys.metadata().issuer
    tid = claims.get("tid")
    if entra and "{tenantid}" in expected_iss:
        if not isinstance(tid, str) or not tid:
            raise TokenInvalid("tenant", "the ID token has no tid")
        expected_iss = expected_iss.replace("{tenantid}", tid)
    if not isinstance(iss, str) or iss != expected_iss:
        raise TokenInvalid("issuer", f"unexpected issuer {iss!r}")

    # audience
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client_id not in auds:
        raise TokenInvalid("audience", "the ID token is not meant for this application")
    if len(auds) > 1 and claims.get("azp") != client_id:
        raise TokenInvalid("audience", "several audiences and azp is not this application")

    # nonce (replay protection, bound to the login flow)
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, nonce_hash(nonce)):
        raise TokenInvalid("nonce", "the ID token's nonce does not match the login flow")

    # tenant and subject
    if entra:
        if not isinstance(tid, str) or not tid:
            raise TokenInvalid("tenant", "the ID token has no tid")
        tenant, subject = tid, claims.get("oid") or claims.get("sub")
    else:
        tenant, subject = iss, claims.get("sub")
    if tenant not in set(allowed_tenants):
        raise TokenInvalid("tenant", f"tenant {tenant!r} is not allowed")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise TokenInvalid("claims", "the ID token has no usable subject")

    person = claims.get(person_id_claim)
    if isinstance(person, int) and not isinstance(person, bool):
        person = str(person)
    if not isinstance(person, str) or not person.strip() or len(person) > 64:
        person = None
    email = claims.get("email") or claims.get("preferred_username")
    name = claims.get("name")
    return Identity(
        tenant=tenant,
        subject=subject,
        person_id=person.strip() if person else None,
        email=email if isinstance(email, str) and len(email) <= 320 else None,
        display_name=name[:200] if isinstance(name, str) else "",
        claims=json.loads(json.dumps(claims, default=str)),
    )
