"""Build :class:`EmissionRow` objects from a tree leaf (shared by all calculators)."""

from __future__ import annotations

from decimal import Decimal
from math import hypot

from co2calc.calc.result import EmissionRow
from co2calc.calc.tree import Leaf

__all__ = ["make_row"]


def make_row(
    leaf: Leaf,
    kg: Decimal,
    factor_id: str,
    version: str,
    quantity: Decimal,
    unit: str,
    factor_unc: float,
    activity_unc: float = 0.0,
) -> EmissionRow:
    """A row on ``leaf``; row uncertainty = factor ⊕ activity (relative, quadrature)."""
    return EmissionRow(
        kg,
        leaf.id,
        leaf.scope,
        leaf.category,
        leaf.module,
        leaf.submodule,
        factor_id,
        version,
        quantity,
        unit,
        hypot(factor_unc, activity_unc) if activity_unc else factor_unc,
        factor_unc,
        leaf.estimate,
    )
