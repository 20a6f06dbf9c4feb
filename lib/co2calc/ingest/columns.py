"""Import columns of a submodule, derived from the engine's entry model.

The template and the importer read the same list: the entry model's fields in
declaration order, preceded by ``unit`` (a unit code) for institution-wide files.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache

from co2calc.ingest.errors import BadHeader, RowError

__all__ = ["UNIT_COLUMN", "Column", "Layout", "check_header", "layout", "normalise"]

UNIT_COLUMN = "unit"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    kind: str  # "number" | "text" | "choice" | "date" | "bool"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    module: str
    submodule: str
    institution: bool
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _kind(annotation: object) -> tuple[str, tuple[str, ...]]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin in (typing.Union, types.UnionType):
        return _kind(args[0])
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return "choice", tuple(str(m.value) for m in annotation)
        if issubclass(annotation, bool):
            return "bool", ()
        if issubclass(annotation, int | float | Decimal):
            return "number", ()
        if issubclass(annotation, date):
            return "date", ()
    return "text", ()


@cache
def layout(module: str, submodule: str, institution: bool = False) -> Layout:
    from co2calc.calc import entry_model

    model = entry_model(module, submodule)  # raises UnknownSubmoduleError
    cols = []
    if institution:
        cols.append(Column(UNIT_COLUMN, True, "text"))
    for name, field in model.model_fields.items():
        kind, choices = _kind(field.annotation)
        cols.append(Column(name, field.is_required(), kind, choices))
    return Layout(module, submodule, institution, tuple(cols))


def normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("\ufeff").lower())


def check_header(header: list[str], lay: Layout) -> list[str]:
    """Normalised column names of ``header``; raises BadHeader naming every problem."""
    names = [normalise(h) for h in header]
    while names and names[-1] == "":  # trailing empty cells (spreadsheets)
        names.pop()
    expected = set(lay.names)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name == "":
            errors.append(RowError(1, f"#{i}", "", f"column {i} has no name"))
        elif name in seen:
            errors.append(
                RowError(1, name, header[i - 1], f"duplicated column (also column {seen[name]})")
            )
        else:
            seen[name] = i
    missing = [c.name for c in lay.columns if c.required and c.name not in seen]
    for name in seen:
        if name in expected:
            continue
        candidates = [m for m in expected if m not in seen]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if close:
            msg = f"unknown column; did you mean {close[0]!r}?"
        else:
            msg = f"unknown column; expected columns: {', '.join(lay.names)}"
        errors.append(RowError(1, name, header[seen[name] - 1], msg))
    for name in missing:
        errors.append(RowError(1, name, "", "missing required column"))
    if errors:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        unknown = [e for e in errors if e.message.startswith("unknown")]
        if unknown:
            parts.append(
                "unknown "
                + ", ".join(
                    e.column
                    + (
                        f" (did you mean {e.message.split(chr(39))[1]!r}?)"
                        if "did you mean" in e.message
                        else ""
                    )
                    for e in unknown
                )
            )
        dups = [e.column for e in errors if e.message.startswith("duplicated")]
        if dups:
            parts.append("duplicated " + ", ".join(dups))
        if any(e.message.endswith("has no name") for e in errors):
            parts.append("unnamed columns")
        raise BadHeader("Header problems: " + "; ".join(parts) + ".", errors=errors)
    return names
