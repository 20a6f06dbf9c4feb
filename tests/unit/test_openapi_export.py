"""The SPA's committed OpenAPI document must be the one the routes build.

``frontend/src/api/openapi.json`` feeds the generated TypeScript types
(``frontend/src/api/schema.d.ts``). When a route or model changes, this test
fails until ``uv run python scripts/export_openapi.py`` and
``cd frontend && npm run api:types`` are re-run — that failure is intended.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from co2calc.http.openapi import build_openapi

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED = REPO_ROOT / "frontend" / "src" / "api" / "openapi.json"
SCRIPT = REPO_ROOT / "scripts" / "export_openapi.py"


def _script():
    spec = importlib.util.spec_from_file_location("export_openapi", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_document_equals_build_openapi() -> None:
    # given the document committed for the SPA
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    # when the routes build theirs now
    built = build_openapi()
    # then they are the same (re-export with scripts/export_openapi.py otherwise)
    assert committed == built, (
        "frontend/src/api/openapi.json is stale: run scripts/export_openapi.py"
    )


def test_committed_file_is_exactly_what_the_script_writes() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == _script().render()


def test_check_mode_reports_drift(tmp_path: Path) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    script = _script()
    assert script.main(["--check", "--out", str(stale)]) == 1
    assert script.main(["--out", str(stale)]) == 0
    assert script.main(["--check", "--out", str(stale)]) == 0
