"""External cloud and generative AI (product spec §4.6).

Cloud: ``kg = spend × kg/money`` with ``cloud-ai/cloud`` keys
``<provider>:<service>``, then ``<service>``, then ``default`` (money handled
like purchases). AI: ``kg = FTE × requests/day × working days × kg/request``
with ``cloud-ai/ai`` keys ``<provider>:<use>`` then ``<use>``; the working days
are the entry's, else the context's (default 235). One entry → one row.
"""

from __future__ import annotations

from decimal import Decimal

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.cloud_ai import REQUESTS_PER_DAY, AIEntry, CloudEntry
from co2calc.calc.purchases import spend_kg
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES

__all__ = ["compute_ai", "compute_cloud"]

AI_ACTIVITY_UNC = 0.5  # request counts are banded self-estimates
_CLOUD = LEAVES["cloud-ai.cloud"]
_AI = LEAVES["cloud-ai.ai"]


def compute_cloud(entry: CloudEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    fs = ctx.factor_set
    provider = entry.provider.casefold()
    factor = (
        fs.get("cloud-ai", "cloud", f"{provider}:{entry.service_type}")
        or fs.get("cloud-ai", "cloud", str(entry.service_type))
        or fs.get("cloud-ai", "cloud", "default")
    )
    if factor is None:
        return Result.flagged(FlagReason.NO_MATCHING_FACTOR, "no cloud factor")
    out = spend_kg(ctx, entry.amount, entry.currency, factor, tr)
    if isinstance(out, Result):
        return out
    money, kg = out
    row = make_row(
        _CLOUD,
        kg,
        factor.factor_id,
        fs.version,
        money,  # type: ignore[arg-type]
        f"{factor.currency}{factor.base_year}",
        float(factor.uncertainty),
        0.02,
    )
    return Result((row,))


def compute_ai(entry: AIEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    fs = ctx.factor_set
    factor = fs.get("cloud-ai", "ai", f"{entry.provider.casefold()}:{entry.use}") or fs.get(
        "cloud-ai", "ai", str(entry.use)
    )
    if factor is None:
        return Result.flagged(FlagReason.NO_MATCHING_FACTOR, f"no AI factor for {entry.use}")
    days = Decimal(entry.working_days if entry.working_days is not None else ctx.working_days)
    per_day = REQUESTS_PER_DAY[entry.requests_band]
    requests = entry.user_fte * per_day * days
    kg = requests * factor.effective_value
    if tr is not None:
        tr.factor("per-request factor", factor)
        tr.step("requests per user per day (band value)", per_day)
        tr.step("working days", days, "d")
        tr.step("requests per year", requests, "request")
        tr.step("emissions", kg, "kg CO2e")
    return Result(
        (
            make_row(
                _AI,
                kg,
                factor.factor_id,
                fs.version,
                requests,
                "request",
                float(factor.uncertainty),
                AI_ACTIVITY_UNC,
            ),
        )
    )
