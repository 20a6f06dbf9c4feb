"""Objectives path and short-term projection from a unit's history (product spec §7).

Objectives come from ``reporting_year.objectives`` (JSON)::

    {"baseline_year": 2019, "targets": [{"year": 2030, "reduction": 0.4},
                                        {"year": 2040, "reduction": 0.9}]}

or these defaults. The baseline is the unit's total of ``baseline_year``; a
unit without data that year uses its earliest year with data (said in
``baseline_note``). The path is piecewise linear from the baseline to each
target (``baseline × (1 − reduction)``), flat after the last target.

Projection: ordinary least-squares line through the unit's yearly totals up
to the requested year when there are at least 3 years, else the last total
held constant; projected values are never negative.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "DEFAULT_OBJECTIVES",
    "PROJECTION_METHOD",
    "parse_objectives",
    "path_value",
    "project",
    "trajectory",
]

DEFAULT_OBJECTIVES: dict[str, Any] = {
    "baseline_year": 2019,
    "targets": [{"year": 2030, "reduction": 0.4}, {"year": 2040, "reduction": 0.9}],
}
PROJECTION_METHOD = (
    "least-squares linear trend over the unit's yearly totals (>= 3 years), else the last"
    " total held constant; clipped at 0"
)
_G = Decimal("0.001")


def parse_objectives(raw: Mapping[str, Any] | None) -> tuple[int, list[tuple[int, Decimal]], str]:
    """(baseline year, [(target year, reduction)], source) from stored JSON or the defaults."""
    source = "reporting_year.objectives"
    if not raw or not raw.get("targets"):
        raw, source = DEFAULT_OBJECTIVES, "default"
    targets = sorted((int(t["year"]), Decimal(str(t["reduction"]))) for t in raw["targets"])
    return int(raw.get("baseline_year", 2019)), targets, source


def path_value(
    baseline_year: int, baseline: Decimal, targets: Sequence[tuple[int, Decimal]], year: int
) -> Decimal:
    """The objectives path at ``year`` (linear between milestones, flat outside)."""
    points = [(baseline_year, baseline)] + [
        (y, baseline * (1 - r)) for y, r in targets if y > baseline_year
    ]
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if year <= y1:
            return v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)
    return points[-1][1]


def project(history: Sequence[tuple[int, Decimal]], years: Sequence[int]) -> dict[str, Any]:
    """Projected totals at ``years`` from ``history`` [(year, kg)] (see module docstring)."""
    pts = sorted(history)
    if not pts:
        return {"method": "no history", "slope_kg_per_year": None, "points": []}
    if len(pts) >= 3:
        n = Decimal(len(pts))
        mx = sum(Decimal(y) for y, _ in pts) / n
        my = sum(v for _, v in pts) / n
        sxx = sum((Decimal(y) - mx) ** 2 for y, _ in pts)
        slope = sum((Decimal(y) - mx) * (v - my) for y, v in pts) / sxx
        values = [my + slope * (Decimal(y) - mx) for y in years]
        method = "linear"
    else:
        slope = Decimal(0)
        values = [pts[-1][1] for _ in years]
        method = "constant"
    return {
        "method": method,
        "slope_kg_per_year": slope.quantize(_G),
        "points": [
            {"year": y, "kg": max(Decimal(0), v).quantize(_G)}
            for y, v in zip(years, values, strict=True)
        ],
    }


def trajectory(
    history: Sequence[tuple[int, Decimal]],
    year: int,
    objectives: Mapping[str, Any] | None,
    *,
    horizon: int = 3,
) -> dict[str, Any]:
    """Actual vs objectives path at ``year``, and the projection of the next ``horizon`` years."""
    baseline_year, targets, source = parse_objectives(objectives)
    hist = sorted((y, v) for y, v in history if y <= year)
    by_year = dict(hist)
    note = None
    if baseline_year in by_year:
        used = baseline_year
    elif hist:
        used = hist[0][0]
        note = (
            f"The unit has no data for {baseline_year}; its earliest year with data ({used})"
            " is used as the baseline."
        )
    else:
        used = None
    actual = by_year.get(year, Decimal(0))
    base = by_year.get(used) if used is not None else None
    proj = project(hist, [year + i for i in range(1, horizon + 1)])
    out: dict[str, Any] = {
        "year": year,
        "objectives_source": source,
        "objectives_baseline_year": baseline_year,
        "baseline_year": used,
        "baseline_kg": base,
        "baseline_note": note,
        "actual_kg": actual,
        "targets": [],
        "path_kg": None,
        "gap_kg": None,
        "on_track": None,
        "history": [{"year": y, "kg": v} for y, v in hist],
        "projection": proj,
    }
    if base is None:
        return out
    out["targets"] = [
        {"year": y, "reduction": r, "target_kg": (base * (1 - r)).quantize(_G)} for y, r in targets
    ]
    path = path_value(used, base, targets, year).quantize(_G)
    out["path_kg"] = path
    out["gap_kg"] = (actual - path).quantize(_G)
    out["on_track"] = actual <= path
    for p in proj["points"]:
        p["path_kg"] = path_value(used, base, targets, p["year"]).quantize(_G)
    return out
