"""Restated figures of a signed-off report: its entries recomputed with today's data.

A signed-off report is frozen: recalculation never touches its emission rows, so
its results stay exactly as reported (``report.frozen_results`` and the rows).
Beside them the results show what the same entries give with the factor set and
reference data active *now* — computed here, on request, by the same engine and
never stored. An entry that cannot be computed any more (its stored data no
longer validates, or it is flagged with today's factors) counts 0, as it would
in a recalculation.

The engine costs ~16 µs per entry, so :func:`cached_restated` keeps the figures of
recently shown reports per process, keyed by what they depend on: the report, the
hash of its inputs and the reference stamp of the year (factor set and reference
data, ``co2calc.db.factorstore.reference_stamp``) — any change gives a new key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from co2calc.calc import CalcContext

__all__ = ["cached_restated", "restated_totals"]

_CACHE_SIZE = 256
_cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def cached_restated(key: tuple[Any, ...], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()``'s figures, kept for ``key`` = (report id, inputs hash, reference stamp)."""
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def restated_totals(entries: Iterable[Mapping[str, Any]], ctx: CalcContext) -> dict[str, Any]:
    """Total, by module and by scope (kg as text, as ``frozen_results``) of ``entries``
    (``module``, ``submodule``, ``data``) computed with ``ctx``."""
    from pydantic import ValidationError

    from co2calc.calc import compute, validate_entry
    from co2calc.factors.errors import EngineError

    total = Decimal(0)
    by_module: dict[str, Decimal] = {}
    by_scope: dict[str, Decimal] = {}
    for e in entries:
        try:
            model = validate_entry(e["module"], e["submodule"], e["data"])
            result = compute(e["module"], e["submodule"], model, ctx)
        except (ValidationError, EngineError):
            continue
        if result.flag is not None:
            continue
        for r in result.rows:
            total += r.kg
            by_module[r.module] = by_module.get(r.module, Decimal(0)) + r.kg
            scope = str(r.scope)
            by_scope[scope] = by_scope.get(scope, Decimal(0)) + r.kg
    return {
        "kg_co2e": str(total),
        "by_module": {k: str(v) for k, v in sorted(by_module.items())},
        "by_scope": {k: str(v) for k, v in sorted(by_scope.items())},
    }
