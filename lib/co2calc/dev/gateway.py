"""The dev gateway: every function behind one port, as the cluster's ingress.

- ``/api/<prefix>/…`` → the HTTP function with the longest matching prefix,
  the path passed on unchanged (Knative does not strip prefixes either);
  cluster-local functions (``public=False``, e.g. s3-notify) are not served
  here, as the ingress would not (the object store reaches s3-notify through
  its own mount, see ``co2calc.dev.s3proxy``);
- ``/_events/<name>`` → a CloudEvent function (what the dev event bus calls);
- everything else → the built SPA (``frontend/dist``), with ``index.html``
  for client-side routes.

In-process mode loads each function with ``functions_framework.create_app``;
proxy mode (``--proxy URL_TEMPLATE``, e.g. ``http://{name}:8080``) forwards to
one container per function, as in ``compose.yaml``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import mimetypes
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from co2calc import wiring
from co2calc.http.api import json_response, problem_response
from co2calc.http.errors import NotFound

__all__ = ["Gateway", "serve_in_thread"]

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def _load_apps() -> tuple[dict[str, WsgiApp], dict[str, WsgiApp]]:
    import functions_framework

    http, events = {}, {}
    for fn in wiring.HTTP_FUNCTIONS:
        http[fn.name] = functions_framework.create_app(
            fn.target, str(wiring.REPO_ROOT / fn.source), "http"
        )
    for fn in wiring.EVENT_FUNCTIONS:
        events[fn.name] = functions_framework.create_app(
            fn.target, str(wiring.REPO_ROOT / fn.source), "cloudevent"
        )
    return http, events


def _proxy_app(url: str) -> WsgiApp:
    import httpx

    client = httpx.Client(base_url=url, timeout=30.0)
    hop = {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",
    }

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        req = Request(environ)
        upstream = client.request(
            req.method,
            req.full_path if req.query_string else req.path,
            headers=[(k, v) for k, v in req.headers.items() if k.lower() not in hop],
            content=req.get_data(),
        )
        resp = Response(
            upstream.content,
            status=upstream.status_code,
            headers=[(k, v) for k, v in upstream.headers.multi_items() if k.lower() not in hop],
        )
        return resp(environ, start_response)

    return app


class Gateway:
    def __init__(
        self,
        *,
        spa_dir: Path | None = None,
        proxy: str | None = None,
        extra: dict[str, WsgiApp] | None = None,
    ) -> None:
        if proxy:
            self.http = {
                fn.name: _proxy_app(proxy.format(name=fn.name)) for fn in wiring.HTTP_FUNCTIONS
            }
            self.events = {
                fn.name: _proxy_app(proxy.format(name=fn.name)) for fn in wiring.EVENT_FUNCTIONS
            }
        else:
            self.http, self.events = _load_apps()
        # extra prefix → app mounts (e.g. the OpenAPI document, the S3 upload proxy)
        self.extra = extra or {}
        self.spa_dir = spa_dir if spa_dir is not None else wiring.REPO_ROOT / "frontend" / "dist"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if any(ord(c) < 32 for c in path):  # control characters never name a resource
            err = NotFound("No resource at this path.")
            return problem_response(err)(environ, start_response)
        for prefix, app in sorted(self.extra.items(), key=lambda kv: -len(kv[0])):
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return app(environ, start_response)
        fn = wiring.http_function_for_path(path)
        if fn is not None and fn.public:  # cluster-local functions stay off the ingress
            return self.http[fn.name](environ, start_response)
        if path.startswith("/_events/"):
            name = path.split("/")[2]
            if name in self.events:
                return self.events[name](environ, start_response)
        if path == "/healthz":
            return json_response({"status": "ok", "function": "gateway"})(environ, start_response)
        if path.startswith("/api/"):
            err = NotFound(f"No function serves {path}.")
            return problem_response(err, path)(environ, start_response)
        return self._static(environ, start_response)

    def _static(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        root = self.spa_dir.resolve()
        rel = environ.get("PATH_INFO", "/").lstrip("/")
        target = (root / rel).resolve() if rel else root / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            target = root / "index.html"  # client-side route
        if not target.is_file():
            body = (
                b"<!doctype html><title>co2calc</title><p>The SPA is not built: run "
                b"<code>make frontend</code>.</p>"
            )
            return Response(body, status=503, mimetype="text/html")(environ, start_response)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        headers: dict[str, Any] = {"X-Content-Type-Options": "nosniff"}
        headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if "/assets/" in str(target) else "no-cache"
        )
        body = target.read_bytes()
        if mime in _COMPRESSIBLE and len(body) >= 1024:
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
                body = _gzipped(target, target.stat().st_mtime_ns)
                headers["Content-Encoding"] = "gzip"
        return Response(body, mimetype=mime, headers=headers)(environ, start_response)


_COMPRESSIBLE = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
     "image/svg+xml"}
)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int) -> bytes:
    """The file gzip-compressed, cached per modification time (as nginx's gzip does)."""
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def serve_in_thread(
    app: WsgiApp, port: int = 0, host: str = "127.0.0.1"
) -> tuple[BaseWSGIServer, threading.Thread]:
    """Serve ``app`` on ``host:port`` from a daemon thread (port 0 = ephemeral)."""
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"wsgi-{server.port}", daemon=True)
    thread.start()
    return server, thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--proxy", help="upstream URL template, e.g. http://{name}:8080")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="serve with gunicorn and this many processes (0: one threaded werkzeug process)",
    )
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    args = parser.parse_args()
    if args.workers:
        _serve_gunicorn(args)
        return
    import signal
    import sys

    server = make_server(args.host, args.port, Gateway(proxy=args.proxy), threaded=True)
    print(f"co2calc gateway on http://{args.host}:{server.port}", flush=True)
    # SIGTERM (how a pod is stopped) exits normally: exit handlers stop worker processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


def _serve_gunicorn(args: argparse.Namespace) -> None:
    """Several worker processes (as several pods would be), each with threads."""
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("loglevel", "warning")

        def load(self):
            return Gateway(proxy=args.proxy)

    print(f"co2calc gateway on http://{args.host}:{args.port} ({args.workers} workers)", flush=True)
    _App().run()


if __name__ == "__main__":
    main()
