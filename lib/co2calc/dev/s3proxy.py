"""Dev gateway mounts for the object store (``make run`` and the import tests).

- ``/s3/<bucket>…`` → the S3 endpoint, prefix stripped: browsers post presigned
  uploads to the SPA's own origin (no CORS); the POST policy's signature does not
  cover the host, so proxying keeps it valid. In a cluster the ingress routes
  ``/s3/`` to the store the same way.
- ``/_notify/s3`` → the s3-notify function (path rewritten to ``/api/s3-notify``):
  where SeaweedFS's filer webhook (``notification.toml``) posts.

    gateway = Gateway()
    gateway.extra.update(store_mounts(gateway, "http://127.0.0.1:8333"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

__all__ = ["NOTIFY_PATH", "S3_PREFIX", "rewrite_to", "s3_proxy_app", "store_mounts"]

S3_PREFIX = "/s3"
NOTIFY_PATH = "/_notify/s3"
WsgiApp = Callable[[dict, Callable], Iterable[bytes]]

_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "host",
    "content-length",
    "content-encoding",
}


def s3_proxy_app(endpoint: str, prefix: str = S3_PREFIX, timeout: float = 120.0) -> WsgiApp:
    import httpx

    client = httpx.Client(base_url=endpoint.rstrip("/"), timeout=timeout)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        req = Request(environ)
        path = req.path[len(prefix) :] or "/"
        upstream = client.request(
            req.method,
            path,
            params=req.args.to_dict(flat=False) or None,
            headers=[(k, v) for k, v in req.headers.items() if k.lower() not in _HOP],
            content=req.stream.read() if req.method in ("POST", "PUT") else None,
        )
        resp = Response(
            upstream.content,
            status=upstream.status_code,
            headers=[(k, v) for k, v in upstream.headers.multi_items() if k.lower() not in _HOP],
        )
        return resp(environ, start_response)

    return app


def rewrite_to(app: WsgiApp, path: str) -> WsgiApp:
    """Serve ``app`` under another path (the function sees ``path``)."""

    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        return app({**environ, "PATH_INFO": path}, start_response)

    return wrapped


def store_mounts(gateway: Any, s3_endpoint: str) -> dict[str, WsgiApp]:
    mounts: dict[str, WsgiApp] = {S3_PREFIX: s3_proxy_app(s3_endpoint)}
    if "s3-notify" in gateway.http:
        mounts[NOTIFY_PATH] = rewrite_to(gateway.http["s3-notify"], "/api/s3-notify")
    return mounts
