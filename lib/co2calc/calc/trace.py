"""Explanations: a structured, JSON-able record of how an entry was computed.

Calculators take an optional :class:`Trace`; the hot path passes ``None`` and
pays one ``is not None`` test per step. ``explain`` in :mod:`dispatch` passes a
real one and returns :meth:`Trace.as_dict`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co2calc.factors.model import Factor

__all__ = ["Trace", "jsonable"]


def jsonable(value: object) -> object:
    """Decimals → str, containers recursively; anything else unchanged."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


class Trace:
    """Collects the factors used and the intermediate values, in order."""

    __slots__ = ("factors", "steps")

    def __init__(self) -> None:
        self.factors: list[dict[str, object]] = []
        self.steps: list[dict[str, object]] = []

    def factor(self, role: str, factor: Factor) -> None:
        self.factors.append({"role": role, **factor.describe()})

    def step(self, name: str, value: object, unit: str = "", note: str = "") -> None:
        item: dict[str, object] = {"name": name, "value": jsonable(value)}
        if unit:
            item["unit"] = unit
        if note:
            item["note"] = note
        self.steps.append(item)

    def as_dict(self) -> dict[str, object]:
        return {"factors": self.factors, "steps": self.steps}
