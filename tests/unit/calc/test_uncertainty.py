"""Uncertainty propagation, checked against a seeded Monte Carlo."""

from __future__ import annotations

import random
from decimal import Decimal as D
from math import exp, log, sqrt

import pytest

from co2calc.calc import summarise
from co2calc.calc.result import EmissionRow
from co2calc.calc.uncertainty import Z95, interval, variance


def _row(kg: str, factor_id: str, fu: float, au: float = 0.0, module: str = "m") -> EmissionRow:
    u = sqrt(fu * fu + au * au)
    return EmissionRow(D(kg), "travel.plane", 3, "c", module, "s", factor_id, "v", D(1), "u", u, fu)


def test_shared_factor_is_fully_correlated() -> None:
    same = [_row("100", "f", 0.37), _row("100", "f", 0.37)]
    apart = [_row("100", "f", 0.37), _row("100", "g", 0.37)]
    _, v_same = variance(same)
    _, v_apart = variance(apart)
    assert sqrt(v_same) == pytest.approx(200 * 0.37 / Z95)  # linear within the group
    assert sqrt(v_apart) == pytest.approx(sqrt(2) * 100 * 0.37 / Z95)  # RSS across groups


def test_zero_total() -> None:
    iv = interval([])
    assert (iv.total, iv.low, iv.high) == (D(0), 0.0, 0.0)


def _mc(rows: list[EmissionRow], n: int = 40000, seed: int = 7) -> tuple[float, float]:
    rng = random.Random(seed)

    def ln(rel_sd: float) -> tuple[float, float]:  # lognormal with mean 1 and given rel. sd
        s2 = log(1 + rel_sd * rel_sd)
        return -s2 / 2, sqrt(s2)

    factors = {r.factor_id: ln(r.factor_uncertainty / Z95) for r in rows}
    totals = []
    for _ in range(n):
        draw = {f: exp(rng.gauss(mu, s)) for f, (mu, s) in factors.items()}
        total = 0.0
        for r in rows:
            au = sqrt(max(r.uncertainty**2 - r.factor_uncertainty**2, 0)) / Z95
            mu, s = ln(au)
            total += float(r.kg) * draw[r.factor_id] * exp(rng.gauss(mu, s))
        totals.append(total)
    totals.sort()
    return totals[int(0.025 * n)], totals[int(0.975 * n)]


def test_lognormal_interval_matches_monte_carlo() -> None:
    rows = [
        _row("400", "plane", 0.37, 0.05),
        _row("300", "plane", 0.37, 0.05),
        _row("200", "spend", 0.8, 0.02),
        _row("500", "elec", 0.2, 0.2),
        _row("50", "ai", 1.0, 0.5),
    ]
    iv = interval(rows)
    low, high = _mc(rows)
    assert iv.low == pytest.approx(low, rel=0.05)
    assert iv.high == pytest.approx(high, rel=0.05)
    assert iv.low > 0  # a normal interval would be symmetric; lognormal stays positive


def test_summary_by_module_and_estimates() -> None:
    rows = [_row("10", "a", 0.1, module="travel"), _row("5", "b", 0.1, module="buildings")]
    rows.append(rows[1]._replace(estimate=True, kg=D(7)))
    summary = summarise(rows, include_estimates=False)
    assert summary.total.total == D(15)
    assert set(summary.by_module) == {"travel", "buildings"}
    assert summarise(rows).total.total == D(22)
    assert summary.as_dict()["total"]["total_kg"] == "15"
