"""The functions' half of the one-machine stack, for tests and benchmarks.

:func:`local_stack` starts every function behind the dev gateway, SeaweedFS with its
filer webhook pointing at ``s3-notify`` through the gateway, and the dev event bus;
it points the functions at them through the environment (S3 endpoint and keys,
``K_SINK``, the file directory provider), clears the cached settings, pool and S3
client so the functions read it, and on exit stops everything and restores the
environment. PostgreSQL is the caller's (it already holds the schema and data).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LocalStack", "environment", "local_stack", "reset_caches"]


@dataclass
class LocalStack:
    url: str  # the gateway
    gateway: Any  # co2calc.dev.gateway.Gateway
    bus: Any  # co2calc.dev.eventbus.EventBus
    store: Any  # co2calc.dev.services.LocalSeaweed
    s3: dict[str, str]  # boto3 client keyword arguments for the store


def reset_caches() -> None:
    """Forget what the functions derived from the environment (settings, pool, clients)."""
    from co2calc.auth.oidc import reset_caches as reset_oidc
    from co2calc.db import close_pool
    from co2calc.settings import get_settings
    from co2calc.uploads import reset_client

    close_pool()
    get_settings.cache_clear()
    reset_client()
    reset_oidc()


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in the environment for the block (caches reset on both sides)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    reset_caches()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_caches()


@contextmanager
def local_stack(
    data: Path,
    *,
    s3_base: int,
    access_key: str,
    secret_key: str,
    directory: Any,
    bus_backoff_scale: float = 1.0,
) -> Iterator[LocalStack]:
    """Gateway + SeaweedFS (under ``data``, ports from ``s3_base``) + event bus (no cron).

    ``directory``: the directory the ``directory-sync`` function reads (a pydantic
    model, written to ``data/directory.json``); ``bus_backoff_scale`` shortens the
    bus's retry delays (tests)."""
    from co2calc.dev.eventbus import EventBus
    from co2calc.dev.gateway import Gateway, serve_in_thread
    from co2calc.dev.s3proxy import NOTIFY_PATH, store_mounts
    from co2calc.dev.services import LocalSeaweed

    with ExitStack() as cleanup:
        data.mkdir(parents=True, exist_ok=True)
        directory_file = data / "directory.json"  # creating a year runs directory-sync
        directory_file.write_text(directory.model_dump_json())
        cleanup.enter_context(
            environment(
                {
                    "CO2CALC_DIRECTORY_PROVIDER": "file",
                    "CO2CALC_DIRECTORY_FILE": str(directory_file),
                }
            )
        )
        gateway = Gateway()
        server, _ = serve_in_thread(gateway)
        cleanup.callback(server.shutdown)
        url = f"http://127.0.0.1:{server.port}"
        store = LocalSeaweed(
            data,
            base=s3_base,
            access_key=access_key,
            secret_key=secret_key,
            notify_url=f"{url}{NOTIFY_PATH}",
        )
        store.start()
        cleanup.callback(store.stop)
        gateway.extra.update(store_mounts(gateway, store.endpoint))
        cleanup.enter_context(
            environment(
                {
                    "CO2CALC_S3_ENDPOINT_URL": store.endpoint,
                    "CO2CALC_S3_ACCESS_KEY_ID": access_key,
                    "CO2CALC_S3_SECRET_ACCESS_KEY": secret_key,
                }
            )
        )
        bus = EventBus(
            resolve=lambda name: f"{url}/_events/{name}",
            backoff_scale=bus_backoff_scale,
            schedules=False,
        ).start()
        cleanup.callback(bus.stop)
        cleanup.enter_context(environment({"K_SINK": bus.url}))
        yield LocalStack(
            url,
            gateway,
            bus,
            store,
            {
                "endpoint_url": store.endpoint,
                "aws_access_key_id": access_key,
                "aws_secret_access_key": secret_key,
                "region_name": "us-east-1",
            },
        )
