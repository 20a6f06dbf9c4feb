"""Spend-based and centralised purchases (product spec §4.5).

Spend: the factor is the NACRES code's (``purchases/spend`` key ``nacres:<code>``)
if it has one, else the institutional code's average (``code:<code>``); no
match flags the entry. Money is converted with :func:`co2calc.factors.money.to_factor_money`
(ECB annual rate of the report year, then euro-area HICP deflation to the
factor's base year, then the factor's currency), so ``kg = money × kg/money``.

Centralised: ``kg = quantity × kg per unit × kg CO2e/kg`` with
``purchases/conversion`` key ``<item>:<unit>`` (omitted for kg) and
``purchases/centralised`` key ``<item>`` (kg/kg).
"""

from __future__ import annotations

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.purchases import CentralisedPurchaseEntry, PurchaseEntry
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES
from co2calc.factors.model import Factor
from co2calc.factors.money import MissingRate, to_factor_money

__all__ = ["compute_centralised", "compute_purchase", "spend_kg"]

SPEND_ACTIVITY_UNC = 0.02  # invoice amounts are exact; FX and deflation averages
_CENTRAL = LEAVES["purchases.centralised"]


def _spend_factor(ctx: CalcContext, entry: PurchaseEntry) -> Factor | None:
    fs = ctx.factor_set
    if entry.nacres_code and (
        f := fs.get("purchases", "spend", f"nacres:{entry.nacres_code.replace('.', '')}")
    ):
        return f
    return fs.get("purchases", "spend", f"code:{entry.purchase_code}")


def spend_kg(
    ctx: CalcContext, amount: object, currency: str, factor: Factor, tr: Trace | None
) -> tuple[object, object] | Result:
    """(money in the factor's currency/base year, kg) or a flagged Result on missing rates."""
    fc = factor.currency or "EUR"
    try:
        eur, money = to_factor_money(
            amount,
            currency,
            ctx.year,
            fc,
            factor.base_year,  # type: ignore[arg-type]
            ctx.fx,
            ctx.hicp,
        )
    except MissingRate as exc:
        return Result.flagged(FlagReason.MISSING_EXCHANGE_RATE, exc.what)
    kg = money * factor.value
    if tr is not None:
        tr.factor("spend factor", factor)
        tr.step(f"amount in EUR of {ctx.year} (ECB annual mean)", eur, "EUR")
        tr.step(f"amount in {fc} of {factor.base_year or ctx.year} (HICP deflated)", money, fc)
        tr.step("emissions", kg, "kg CO2e")
    return money, kg


def compute_purchase(
    entry: PurchaseEntry, ctx: CalcContext, tr: Trace | None = None, *, submodule: str = "other"
) -> Result:
    factor = _spend_factor(ctx, entry)
    if factor is None:
        return Result.flagged(
            FlagReason.NO_MATCHING_FACTOR,
            f"no factor for code {entry.purchase_code}"
            + (f" nor NACRES {entry.nacres_code}" if entry.nacres_code else ""),
        )
    out = spend_kg(ctx, entry.amount, entry.currency, factor, tr)
    if isinstance(out, Result):
        return out
    money, kg = out
    unit = f"{factor.currency}{factor.base_year}"
    row = make_row(
        LEAVES[f"purchases.{submodule}"],
        kg,
        factor.factor_id,  # type: ignore[arg-type]
        ctx.factor_set.version,
        money,
        unit,  # type: ignore[arg-type]
        float(factor.uncertainty),
        SPEND_ACTIVITY_UNC,
    )
    return Result((row,))


def compute_centralised(
    entry: CentralisedPurchaseEntry, ctx: CalcContext, tr: Trace | None = None
) -> Result:
    fs = ctx.factor_set
    factor = fs.get("purchases", "centralised", entry.item)
    if factor is None:
        return Result.flagged(FlagReason.NO_MATCHING_FACTOR, f"no factor for {entry.item}")
    mass = entry.quantity
    unc = 0.0
    if entry.unit != "kg":
        conv = fs.get("purchases", "conversion", f"{entry.item}:{entry.unit}")
        if conv is None:
            return Result.flagged(
                FlagReason.UNIT_MISMATCH, f"no conversion from {entry.unit} to kg for {entry.item}"
            )
        mass = entry.quantity * conv.value
        unc = float(conv.uncertainty)
        if tr is not None:
            tr.factor("conversion to kg", conv)
            tr.step("mass", mass, "kg")
    kg = mass * factor.effective_value
    if tr is not None:
        tr.factor("product factor", factor)
        tr.step("emissions", kg, "kg CO2e")
    return Result(
        (
            make_row(
                _CENTRAL,
                kg,
                factor.factor_id,
                fs.version,
                mass,
                "kg",
                float(factor.uncertainty),
                unc,
            ),
        )
    )
