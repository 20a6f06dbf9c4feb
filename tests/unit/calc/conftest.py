"""Fixtures for the calculation engine: reference records, FX/HICP tables, contexts.

The reference dataclasses come from ``co2calc.refdata`` when that package exists;
until then, stand-ins with the same fields are used (the engine only needs the
attributes, see ``co2calc.calc.context``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from co2calc.calc import CalcContext, FacilityRef, RoomRef
from co2calc.factors import FactorSet, load_shipped_factor_set

try:
    from co2calc.refdata import Airport, PowerClass, Station
except ImportError:  # refdata is written concurrently; same shapes as its announced API

    @dataclass(frozen=True)
    class Airport:  # type: ignore[no-redef]
        iata: str
        name: str
        city: str
        country: str
        lat: float
        lon: float

    @dataclass(frozen=True)
    class Station:  # type: ignore[no-redef]
        uic: str
        name: str
        country: str
        lat: float
        lon: float

    @dataclass(frozen=True)
    class PowerClass:  # type: ignore[no-redef]
        category: str
        subcategory: str
        cls: str
        subclass: str | None
        active_w: Decimal
        standby_w: Decimal


D = Decimal

# Coordinates: GVA from PyPI airportsdata; LHR 51°28′12″N 0°27′15″W (published aerodrome
# reference as on Wikipedia); JFK/ZRH/CDG from airportsdata.
AIRPORTS = {
    "GVA": Airport("GVA", "Geneva", "Geneva", "CH", 46.2381, 6.10895),
    "LHR": Airport("LHR", "Heathrow", "London", "GB", 51.4700, -0.4543),
    "ZRH": Airport("ZRH", "Zurich", "Zurich", "CH", 47.4647, 8.54917),
    "CDG": Airport("CDG", "Charles de Gaulle", "Paris", "FR", 49.0128, 2.55),
    "JFK": Airport("JFK", "John F Kennedy", "New York", "US", 40.639928, -73.778692),
}
# Station coordinates rounded from public maps (exact values do not matter: tests
# compare with the haversine of the same coordinates).
STATIONS = [
    Station("8501008", "Genève", "CH", 46.2103, 6.1426),
    Station("8507000", "Bern", "CH", 46.9490, 7.4392),
    Station("8503000", "Zürich HB", "CH", 47.3782, 8.5402),
    Station("8727100", "Paris Gare de Lyon", "FR", 48.8443, 2.3744),
    Station("8000105", "Frankfurt (Main) Hbf", "DE", 50.1070, 8.6632),
    Station("5400014", "Praha hl.n.", "CZ", 50.0831, 14.4353),
]
POWER = [
    # product spec §4.4 examples
    PowerClass("IT", "Computers", "Laptop", None, D(30), D(10)),
    PowerClass("IT", "Computers", "Desktop", None, D(90), D(10)),
    PowerClass("Scientific", "Cold", "Freezer", "-80 °C", D(480), D(480)),
    PowerClass("Scientific", "Separation", "Ultra-centrifuge", None, D(1300), D(130)),
]
# ECB annual means, units per EUR (shared/data/ecb-fx-annual.csv, ECB eurofxref-hist)
FX = {
    (2019, "CHF"): D("1.112449"),
    (2019, "USD"): D("1.119475"),
    (2023, "CHF"): D("0.971797"),
    (2023, "USD"): D("1.081269"),
    (2024, "CHF"): D("0.952626"),
    (2024, "USD"): D("1.082380"),
    (2024, "GBP"): D("0.846617"),
    (2024, "JPY"): D("163.851914"),
    (2025, "CHF"): D("0.937031"),
    (2025, "USD"): D("1.129983"),
}
# Euro-area HICP 2015=100 (shared/data/hicp-euro-area-annual.csv, Eurostat prc_hicp_aind)
HICP = {2019: D("104.80"), 2023: D("123.15"), 2024: D("126.07"), 2025: D("128.75")}
ROOMS = [
    RoomRef("BC", "BC 410", D(20), "office"),
    RoomRef("CH", "CH A1 234", D(50), "laboratory", heating_carrier="natural_gas"),
]
FACILITIES = [
    FacilityRef("cryo-em", D(2000), "hours", {"total": D(50000)}, 0.3),
    FacilityRef(
        "animalerie", D(1000), "animal_housings", {"energy": D(30000), "purchases": D(10000)}, 0.4
    ),
]


@pytest.fixture(scope="session")
def fs2024() -> FactorSet:
    return load_shipped_factor_set(2024)


def make_ctx(fs: FactorSet, year: int = 2024, **kw: object) -> CalcContext:
    return CalcContext.build(
        fs,
        year,
        airports=AIRPORTS,
        stations=STATIONS,
        power_table=POWER,
        fx=FX,
        hicp=HICP,
        rooms=ROOMS,
        facilities=FACILITIES,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def ctx(fs2024: FactorSet) -> CalcContext:
    return make_ctx(fs2024)


@pytest.fixture(scope="session")
def ctx_factory():
    """Build a context for another factor set / year: ``ctx_factory(fs, year)``."""
    return make_ctx


@pytest.fixture
def factor_row():
    """Make one valid factor-file row dict, overriding some columns."""

    def make(**over: str) -> dict[str, str]:
        row = {
            "factor_id": "x",
            "module": "travel",
            "submodule": "train",
            "key": "CH",
            "value": "0.007",
            "unit": "kg/pkm",
            "uncertainty": "0.3",
            "source": "test",
        }
        row.update(over)
        return row

    return make
