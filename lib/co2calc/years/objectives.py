"""The institution's reduction objectives and the straight-line trajectory between them."""

from __future__ import annotations

from itertools import pairwise

from co2calc.models.years import Objectives, TrajectoryPoint

__all__ = ["trajectory"]


def trajectory(objectives: Objectives) -> list[TrajectoryPoint]:
    """One point per year from the baseline (reduction 0) to the last target.

    Between two anchors (the baseline, then each target) the reduction moves
    on a straight line; rules (increasing years) are checked by
    :meth:`Objectives.problems` before this is called.
    """
    anchors = [(objectives.baseline_year, 0.0)] + [
        (t.year, t.reduction) for t in objectives.targets
    ]
    points: list[TrajectoryPoint] = []
    for (y0, r0), (y1, r1) in pairwise(anchors):
        start = y0 if not points else y0 + 1
        for year in range(start, y1 + 1):
            r = round(r0 + (r1 - r0) * (year - y0) / (y1 - y0), 6)
            points.append(
                TrajectoryPoint(year=year, reduction=r, share_of_baseline=round(1 - r, 6))
            )
    return points
