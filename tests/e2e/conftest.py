"""Browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CO2CALC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make deps` (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="module")
def oidc_issuer(gateway: str, demo, tmp_path_factory) -> Iterator:
    """The OIDC test issuer with the demo users; the gateway configured for it."""
    from co2calc.auth.oidc import reset_caches
    from co2calc.db import close_pool
    from co2calc.dev.oidc import TestIssuer
    from co2calc.settings import get_settings

    idp = TestIssuer(
        tmp_path_factory.mktemp("oidc-e2e"), redirect_uris=[f"{gateway}/api/auth/callback"]
    ).start()
    env = idp.env() | {"CO2CALC_PUBLIC_URL": gateway}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    def reset() -> None:
        close_pool()
        get_settings.cache_clear()
        reset_caches()

    reset()
    yield idp
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    reset()
    idp.stop()
