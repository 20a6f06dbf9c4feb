"""Compare a newly loaded factor set with the previous one (product spec §5).

Re-uploading upserts on the match key; the administrator must see what was
added, what changed (value or provenance) and what disappeared ("stale"), so
stale factors can be reviewed before reports computed with them are restated.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from co2calc.factors.model import Factor, FactorKey, FactorSet

__all__ = ["FactorChange", "FactorDiff", "diff_factor_sets"]

_COMPARED = tuple(f.name for f in fields(Factor) if f.name not in {"module", "submodule", "key"})


@dataclass(frozen=True, slots=True)
class FactorChange:
    old: Factor
    new: Factor
    fields: tuple[str, ...]
    """Names of the attributes that differ (``value``, ``source``…)."""


@dataclass(frozen=True, slots=True)
class FactorDiff:
    added: tuple[Factor, ...]
    changed: tuple[FactorChange, ...]
    stale: tuple[Factor, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.stale)

    def summary(self) -> dict[str, object]:
        """JSON-able summary keyed by factor id."""
        return {
            "added": [f.factor_id for f in self.added],
            "changed": [
                {
                    "factor_id": c.new.factor_id,
                    "fields": list(c.fields),
                    "old_value": str(c.old.value),
                    "new_value": str(c.new.value),
                }
                for c in self.changed
            ],
            "stale": [f.factor_id for f in self.stale],
            "unchanged": self.unchanged,
        }


def diff_factor_sets(previous: FactorSet | None, current: FactorSet) -> FactorDiff:
    """Pure diff on match keys; ``previous=None`` means everything is added."""
    old: dict[FactorKey, Factor] = {} if previous is None else previous.by_key()
    new = current.by_key()
    added = tuple(f for k, f in new.items() if k not in old)
    stale = tuple(f for k, f in old.items() if k not in new)
    changed: list[FactorChange] = []
    unchanged = 0
    for k, f in new.items():
        if (o := old.get(k)) is None:
            continue
        differ = tuple(n for n in _COMPARED if getattr(o, n) != getattr(f, n))
        if differ:
            changed.append(FactorChange(o, f, differ))
        else:
            unchanged += 1
    return FactorDiff(added, tuple(changed), stale, unchanged)
