"""``make run``: the whole system on one machine, with embedded defaults.

Starts (loopback only, data under ``.data/run``): a private PostgreSQL
cluster, SeaweedFS, the OIDC test issuer, every function behind the dev
gateway, the dev event bus; applies migrations, seeds the demo directory and
years, then prints the URL and the demo logins. Ctrl-C stops everything.

Environment overrides: ``CO2CALC_PORT`` (gateway, default 8080),
``CO2CALC_DATABASE_URL`` / ``CO2CALC_S3_ENDPOINT_URL`` (use external services).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading

from co2calc import wiring

__all__ = ["main"]

DATA = wiring.REPO_ROOT / ".data" / "run"


def _reset_settings() -> None:
    from co2calc.db import close_pool
    from co2calc.settings import get_settings

    close_pool()
    get_settings.cache_clear()


def main() -> None:
    from co2calc.dev.services import LocalPostgres, LocalSeaweed

    port = int(os.environ.get("CO2CALC_PORT", "8080"))
    public_url = os.environ.get("CO2CALC_PUBLIC_URL", f"http://localhost:{port}")
    stack = contextlib.ExitStack()
    os.environ.setdefault("CO2CALC_PUBLIC_URL", public_url)
    # The dev gateway speaks plain HTTP on loopback; browsers accept Secure
    # cookies on http://localhost, other HTTP clients do not.
    os.environ.setdefault("CO2CALC_COOKIE_SECURE", "true")

    if "CO2CALC_DATABASE_URL" not in os.environ:
        pg = LocalPostgres(DATA / "pg", port=int(os.environ.get("CO2CALC_PG_PORT", "54329")))
        pg.start()
        stack.callback(pg.stop)
        os.environ["CO2CALC_DATABASE_URL"] = pg.ensure_database("co2calc")
    print("✓ PostgreSQL", flush=True)

    if "CO2CALC_S3_ENDPOINT_URL" not in os.environ:
        s3 = LocalSeaweed(
            DATA / "s3",
            base=int(os.environ.get("CO2CALC_S3_BASE", "8333")),
            notify_url=f"http://127.0.0.1:{port}/_notify/s3",
        )
        s3.start()
        stack.callback(s3.stop)
        os.environ["CO2CALC_S3_ENDPOINT_URL"] = s3.endpoint
    print("✓ SeaweedFS (S3)", flush=True)

    issuer = _start_issuer(stack, public_url)
    _reset_settings()

    from co2calc.migrate import migrate

    applied = migrate()
    from co2calc.db import close_pool

    stack.callback(close_pool)  # before PostgreSQL stops (callbacks run last-in first-out)
    print(f"✓ migrations ({applied} applied)", flush=True)

    directory_file = DATA / "directory.json"
    from co2calc.demo import DEMO_USERS, demo_directory

    directory_file.write_text(demo_directory().model_dump_json(indent=1))
    os.environ.setdefault("CO2CALC_DIRECTORY_PROVIDER", "file")
    os.environ.setdefault("CO2CALC_DIRECTORY_FILE", str(directory_file))
    _reset_settings()
    from co2calc.dev.seed import seed_demo

    print(f"✓ demo data: {json.dumps(seed_demo(issuer=issuer or None))}", flush=True)

    from co2calc.dev.gateway import Gateway, serve_in_thread

    gateway = Gateway()
    from co2calc.dev.s3proxy import store_mounts  # /s3/ uploads, /_notify/s3 → s3-notify

    gateway.extra.update(store_mounts(gateway, os.environ["CO2CALC_S3_ENDPOINT_URL"]))
    bus = _start_bus(stack, port)
    server, _ = serve_in_thread(gateway, port=port)
    from co2calc.ingest import chunks

    stack.callback(chunks.shutdown)  # the ingest function's worker processes
    stack.callback(server.shutdown)

    print(f"\nco2calc is running at {public_url}/", flush=True)
    print(f"  API:        {public_url}/api/units   (OpenAPI: {public_url}/api/docs)")
    if issuer:
        print(f"  sign-in:    through the OIDC test issuer at {issuer}")
    if bus:
        print(f"  event bus:  {bus}")
    print("  demo logins (type the e-mail on the issuer's sign-in form):")
    for u in DEMO_USERS:
        print(f"    {u.login:<30} {u.role:<12} {u.unit or '(all units)'}")
    print("Press Ctrl-C to stop.", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    print("\nstopping…", flush=True)
    stack.close()


def _start_issuer(stack: contextlib.ExitStack, public_url: str) -> str:
    """The OIDC test issuer (HTTPS, trustme CA) with the demo users; env points auth at it."""
    from co2calc.dev.oidc import TestIssuer

    port = int(os.environ.get("CO2CALC_OIDC_PORT", "8443"))
    issuer = TestIssuer(
        DATA / "oidc", port=port, redirect_uris=[f"{public_url}/api/auth/callback"]
    ).start()
    stack.callback(issuer.stop)
    for key, value in issuer.env().items():
        os.environ.setdefault(key, value)
    return issuer.url


def _start_bus(stack: contextlib.ExitStack, port: int) -> str:
    """The dev event bus, delivering to the gateway's /_events/<name> mounts."""
    from co2calc.dev.eventbus import EventBus

    bus = EventBus(resolve=lambda name: f"http://127.0.0.1:{port}/_events/{name}").start()
    stack.callback(bus.stop)
    os.environ["K_SINK"] = bus.url  # functions publish CloudEvents here
    return bus.url


if __name__ == "__main__":
    main()
