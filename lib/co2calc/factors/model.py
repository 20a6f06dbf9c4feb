"""Factor rows and versioned factor sets (product spec §5).

A :class:`Factor` is immutable data with its provenance. A :class:`FactorSet`
is one version of the factors for one reporting year, indexed by its match key
``(module, submodule, key)`` so the calculators look factors up with one dict
access (the hot path never scans rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = ["ElectricityMix", "Factor", "FactorKey", "FactorSet", "NonCO2"]

type FactorKey = tuple[str, str, str]
"""Match key: (module, submodule, classification key)."""


class NonCO2(StrEnum):
    """How non-CO2 effects (aviation radiative forcing, contrails) are treated.

    ``included``: already inside the value, never multiply again.
    ``multiplier``: the value is CO2-only; multiply by ``Factor.non_co2_multiplier``.
    ``not_applicable``: no such effects (everything but aviation).
    """

    INCLUDED = "included"
    MULTIPLIER = "multiplier"
    NOT_APPLICABLE = "not_applicable"


class ElectricityMix(StrEnum):
    """Electricity mix type of an electricity factor (blank for anything else)."""

    CONSUMPTION_LOCATION = "consumption-location"
    CONSUMPTION_MARKET = "consumption-market"
    PRODUCTION_LOCATION = "production-location"
    PRODUCTION_MARKET = "production-market"


@dataclass(frozen=True, slots=True)
class Factor:
    """One emission factor (or conversion/ratio) row with its provenance.

    ``value`` is per ``unit`` (e.g. ``kg/pkm``, ``kg/kWh``, ``kg/EUR``, ``ratio``).
    ``uncertainty`` is relative, the half-width of a 95 % interval (0.37 = ±37 %).
    Money-based factors (``kg/EUR``, ``kg/CHF``…) carry ``currency`` and
    ``base_year``: the spend must be converted and deflated to them.
    """

    factor_id: str
    module: str
    submodule: str
    key: str
    value: Decimal
    unit: str
    uncertainty: Decimal
    source: str
    source_table: str
    source_year: int | None
    gwp_set: str
    non_co2: NonCO2 = NonCO2.NOT_APPLICABLE
    non_co2_multiplier: Decimal | None = None
    electricity_mix: ElectricityMix | None = None
    base_year: int | None = None
    currency: str | None = None
    licence: str = ""
    notes: str = ""

    @property
    def match_key(self) -> FactorKey:
        return (self.module, self.submodule, self.key)

    @property
    def effective_value(self) -> Decimal:
        """The value with non-CO2 effects applied exactly once."""
        if self.non_co2 is NonCO2.MULTIPLIER and self.non_co2_multiplier is not None:
            return self.value * self.non_co2_multiplier
        return self.value

    def describe(self) -> dict[str, object]:
        """JSON-able description for explanations and exports."""
        return {
            "factor_id": self.factor_id,
            "match_key": list(self.match_key),
            "value": str(self.value),
            "effective_value": str(self.effective_value),
            "unit": self.unit,
            "uncertainty": str(self.uncertainty),
            "source": self.source,
            "source_table": self.source_table,
            "source_year": self.source_year,
            "gwp_set": self.gwp_set,
            "non_co2": self.non_co2.value,
            "non_co2_multiplier": (
                None if self.non_co2_multiplier is None else str(self.non_co2_multiplier)
            ),
            "electricity_mix": None if self.electricity_mix is None else self.electricity_mix.value,
            "base_year": self.base_year,
            "currency": self.currency,
            "licence": self.licence,
        }


@dataclass(frozen=True, slots=True)
class FactorSet:
    """A versioned factor set for one reporting year.

    ``gwp_set`` (``AR5``/``AR6``) selects the GWP rows used for process gases and
    is shown with results.
    """

    version: str
    year: int
    gwp_set: str
    factors: tuple[Factor, ...]
    _index: dict[FactorKey, Factor] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {f.match_key: f for f in self.factors})

    def get(self, module: str, submodule: str, key: str) -> Factor | None:
        return self._index.get((module, submodule, key))

    def by_key(self) -> dict[FactorKey, Factor]:
        """A copy of the match-key index."""
        return dict(self._index)

    def select(self, module: str, submodule: str | None = None) -> Iterator[Factor]:
        for f in self.factors:
            if f.module == module and (submodule is None or f.submodule == submodule):
                yield f

    def __len__(self) -> int:
        return len(self.factors)

    @classmethod
    def of(cls, version: str, year: int, gwp_set: str, factors: Iterable[Factor]) -> FactorSet:
        return cls(version=version, year=year, gwp_set=gwp_set, factors=tuple(factors))
