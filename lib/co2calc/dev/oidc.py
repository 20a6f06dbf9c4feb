"""The local OIDC test issuer: oidc-provider-mock over HTTPS (trustme CA).

Used by ``make run``, the browser tests and tests/integration/auth::

    issuer = TestIssuer(Path(".data/oidc"), redirect_uris=["http://127.0.0.1:8080/api/auth/callback"])
    issuer.start()
    issuer.authority  # https://127.0.0.1:<port>/oidc  (= CO2CALC_OIDC_AUTHORITY)
    issuer.url        # https://127.0.0.1:<port>       (the issuer, ``iss``)
    issuer.ca_path    # the CA PEM to trust       (= CO2CALC_OIDC_CA_BUNDLE)
    issuer.env()      # every CO2CALC_OIDC_* variable for the app
    issuer.stop()

or ``python -m co2calc.dev.oidc --folder .data/oidc --port 8443``.

Signing in: the provider's authorisation page lists the demo users as
"Predefined users" (one button each, labelled with the login e-mail, which is
the user's ``sub``); or type a subject into the "Custom user" field. The form
posts a single field, ``sub``. Predefined users carry the claims ``email``,
``name`` and ``person_id`` (which the mock puts into the ID token: any
non-standard claim is always included, ``email`` with the ``email`` scope and
``name`` with ``profile``). A custom subject only gets ``email = sub`` unless its
claims are set first with ``PUT {issuer}/users/<sub>`` (a JSON object of claims).

The mock answers with a query-string redirect only; this wrapper turns it into
an auto-submitting ``form_post`` page when the client asked for
``response_mode=form_post`` (as Entra does), so the callback sees a POST.
"""

from __future__ import annotations

import argparse
import html
import ssl
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

__all__ = ["DEV_CLIENT_ID", "DEV_CLIENT_SECRET", "TestIssuer", "demo_claims"]

DEV_CLIENT_ID = "co2calc-dev"
DEV_CLIENT_SECRET = "co2calc-dev-secret"  # a throwaway local value, not a secret
MOUNT = "/oidc"  # msal's oidc_authority needs a path; the mock's issuer is the host root


def demo_claims() -> dict[str, dict[str, object]]:
    """sub → claims for every demo user (sub = the login e-mail, a stable id)."""
    from co2calc.demo import DEMO_USERS

    return {
        u.login: {
            "email": u.login,
            "email_verified": True,
            "name": u.display_name,
            "person_id": u.person_id,
        }
        for u in DEMO_USERS
    }


class _FormPost:
    """WSGI middleware: a 302 back to the client becomes a self-posting HTML form."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        if request.path != "/oauth2/authorize" or request.args.get("response_mode") != (
            "form_post"
        ):
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status: str, headers: list, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        status, headers = captured["status"], captured["headers"]
        location = dict((k.lower(), v) for k, v in headers).get("location")
        redirect_uri = request.args.get("redirect_uri", "")
        if (
            status.startswith("302")
            and location
            and redirect_uri
            and (location.split("?", 1)[0] == redirect_uri)
        ):
            fields = parse_qsl(urlsplit(location).query, keep_blank_values=True)
            inputs = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in fields
            )
            page = (
                "<!doctype html><html><head><title>Submit</title></head>"
                '<body onload="document.forms[0].submit()">'
                f'<form method="post" action="{html.escape(redirect_uri)}">{inputs}'
                '<noscript><button type="submit">Continue</button></noscript></form>'
                "</body></html>"
            )
            return Response(page, mimetype="text/html")(environ, start_response)
        start_response(status, headers)
        return [body]


def _not_found(environ: dict, start_response: Callable) -> Iterable[bytes]:
    return Response("not found", status=404)(environ, start_response)


class TestIssuer:
    """oidc-provider-mock on 127.0.0.1 over HTTPS, in a background thread."""

    __test__ = False  # not a pytest class

    def __init__(
        self,
        folder: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = DEV_CLIENT_ID,
        client_secret: str = DEV_CLIENT_SECRET,
        redirect_uris: Sequence[str] | None = None,  # None: any (dev only)
        users: dict[str, dict[str, object]] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.host, self.port = host, port
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = list(redirect_uris) if redirect_uris is not None else None
        self.users = demo_claims() if users is None else users
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The issuer (``iss`` of its tokens)."""
        if self._server is None:
            raise RuntimeError("the issuer is not running")
        return f"https://{self.host}:{self._server.server_port}"

    @property
    def authority(self) -> str:
        """What the app is configured with (msal wants a path segment): ``{url}/oidc``."""
        return self.url + MOUNT

    @property
    def ca_path(self) -> Path:
        return self.folder / "ca.pem"

    def env(self) -> dict[str, str]:
        """The CO2CALC_OIDC_* settings that point the app at this issuer."""
        return {
            "CO2CALC_OIDC_AUTHORITY": self.authority,
            "CO2CALC_OIDC_GENERIC": "true",
            "CO2CALC_OIDC_CLIENT_ID": self.client_id,
            "CO2CALC_OIDC_CLIENT_SECRET": self.client_secret,
            "CO2CALC_OIDC_CA_BUNDLE": str(self.ca_path),
            "CO2CALC_OIDC_ALLOWED_TENANTS": f'["{self.url}"]',
            "CO2CALC_OIDC_PERSON_ID_CLAIM": "person_id",
        }

    def _app(self):
        import flask
        import oidc_provider_mock
        from oidc_provider_mock._storage import Client, ClientAllowAny

        app = oidc_provider_mock.app(
            require_client_registration=True,
            require_nonce=True,
            user_claims=[
                oidc_provider_mock.User(sub=sub, claims=dict(claims))
                for sub, claims in self.users.items()
            ],
        )
        client = Client(
            id=self.client_id,
            secret=self.client_secret,
            redirect_uris=self.redirect_uris
            if self.redirect_uris is not None
            else ClientAllowAny(),
            allowed_scopes=Client.SCOPES_SUPPORTED,
            token_endpoint_auth_method="client_secret_post",  # what msal sends
        )

        @app.before_request
        def _register_client() -> None:  # runs after the mock has set its storage
            storage = flask.g.oidc_provider_mock_storage
            if storage.get_client(client.id) is None:
                storage.store_client(client)

        app.wsgi_app = _FormPost(app.wsgi_app)  # type: ignore[method-assign]
        return DispatcherMiddleware(_not_found, {MOUNT: app})

    def start(self) -> TestIssuer:
        import trustme

        self.folder.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA()
        cert = ca.issue_cert(self.host, "localhost", "127.0.0.1")
        ca.cert_pem.write_to_path(str(self.ca_path))
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)
        self._server = make_server(
            self.host, self.port, self._app(), threaded=True, ssl_context=ctx
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="oidc-test-issuer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local OIDC test issuer (HTTPS).")
    parser.add_argument("--folder", default=".data/oidc", help="where the CA PEM is written")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--redirect-uri", action="append", help="allowed redirect URI(s)")
    args = parser.parse_args(argv)
    issuer = TestIssuer(Path(args.folder), port=args.port, redirect_uris=args.redirect_uri)
    issuer.start()
    for k, v in issuer.env().items():
        print(f"{k}={v}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        issuer.stop()


if __name__ == "__main__":
    main()
