"""Export the API's OpenAPI 3.1 document for the SPA's generated client types.

    uv run python scripts/export_openapi.py            # write frontend/src/api/openapi.json
    uv run python scripts/export_openapi.py --stdout   # print it instead
    uv run python scripts/export_openapi.py --check    # exit 1 if the committed file drifted

Then ``cd frontend && npm run api:types`` regenerates ``src/api/schema.d.ts``.
``tests/unit/test_openapi_export.py`` fails whenever routes change without a
re-export, so the SPA's types cannot silently drift from the server.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from co2calc.http.openapi import build_openapi

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET = REPO_ROOT / "frontend" / "src" / "api" / "openapi.json"

__all__ = ["TARGET", "render"]


def render(document: dict[str, Any] | None = None) -> str:
    """The document as committed: indented, keys in the builder's order, final newline."""
    doc = build_openapi() if document is None else document
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stdout", action="store_true", help="print instead of writing")
    mode.add_argument("--check", action="store_true", help="fail if the committed file differs")
    parser.add_argument("--out", type=Path, default=TARGET, help=f"target file (default {TARGET})")
    args = parser.parse_args(argv)

    text = render()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run scripts/export_openapi.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
