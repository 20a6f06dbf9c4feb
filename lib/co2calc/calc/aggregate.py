"""Aggregates built from emission rows through the tree (product spec §7).

Totals by scope, module, submodule, leaf and category, each with its 95 %
interval; estimated categories (§4.9) can be excluded from totals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from co2calc.calc.result import EmissionRow
from co2calc.calc.uncertainty import Interval, interval

__all__ = ["Summary", "group_rows", "summarise"]


def group_rows(
    rows: Iterable[EmissionRow], key: Callable[[EmissionRow], object]
) -> dict[object, list[EmissionRow]]:
    out: dict[object, list[EmissionRow]] = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


@dataclass(frozen=True, slots=True)
class Summary:
    total: Interval
    by_scope: dict[int, Interval]
    by_module: dict[str, Interval]
    by_submodule: dict[tuple[str, str], Interval]
    by_leaf: dict[str, Interval]
    estimates_included: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total.as_dict(),
            "by_scope": {str(k): v.as_dict() for k, v in self.by_scope.items()},
            "by_module": {k: v.as_dict() for k, v in self.by_module.items()},
            "by_submodule": {f"{m}/{s}": v.as_dict() for (m, s), v in self.by_submodule.items()},
            "by_leaf": {k: v.as_dict() for k, v in self.by_leaf.items()},
            "estimates_included": self.estimates_included,
        }


def summarise(rows: Iterable[EmissionRow], *, include_estimates: bool = True) -> Summary:
    """Report and module totals with 95 % intervals (correlation kept across modules)."""
    kept = [r for r in rows if include_estimates or not r.estimate]

    def by(key: Callable[[EmissionRow], object]) -> dict:  # type: ignore[type-arg]
        return {
            k: interval(v)
            for k, v in sorted(group_rows(kept, key).items(), key=lambda kv: str(kv[0]))
        }

    return Summary(
        total=interval(kept),
        by_scope=by(lambda r: r.scope),
        by_module=by(lambda r: r.module),
        by_submodule=by(lambda r: (r.module, r.submodule)),
        by_leaf=by(lambda r: r.leaf),
        estimates_included=include_estimates,
    )
