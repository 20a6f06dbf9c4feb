"""Typed, cached loaders for the reference data shipped in ``co2calc/data/reference``.

The files are produced by ``scripts/build_reference_data.py``; see
``co2calc/data/reference/README.md`` for their sources and licences.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

__all__ = [
    "Airport",
    "PowerClass",
    "Station",
    "load_airports",
    "load_fx_rates",
    "load_hicp",
    "load_power_table",
    "load_stations",
]


@dataclass(frozen=True, slots=True)
class Airport:
    iata: str
    name: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Station:
    uic: str  # seven-digit UIC/EVA number, first two digits = UIC country code
    name: str
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PowerClass:
    category: str
    subcategory: str
    cls: str
    subclass: str
    active_w: Decimal
    standby_w: Decimal


def _rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a packaged CSV as dicts (header -> value)."""
    text = files("co2calc").joinpath("data", "reference", name).read_text(encoding="utf-8")
    return csv.DictReader(io.StringIO(text))


def _tuples(name: str, *columns: str) -> Iterator[tuple[str, ...]]:
    """Selected columns of a packaged CSV as tuples (faster than DictReader)."""
    text = files("co2calc").joinpath("data", "reference", name).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    idx = [header.index(c) for c in columns]
    for row in reader:
        yield tuple(row[i] for i in idx)


@cache
def _airport_rows() -> tuple[tuple[Airport, str], ...]:
    cols = ("iata", "name", "city", "country", "lat", "lon", "metro_code")
    return tuple(
        (Airport(iata, name, city, country, float(lat), float(lon)), metro)
        for iata, name, city, country, lat, lon, metro in _tuples("airports.csv", *cols)
    )


@cache
def _airports() -> dict[str, Airport]:
    return {a.iata: a for a, _ in _airport_rows()}


def load_airports() -> dict[str, Airport]:
    """IATA code -> Airport, for every airport with an IATA code (a fresh dict copy)."""
    return dict(_airports())


def airport_metro_codes() -> dict[str, str]:
    """IATA airport code -> IATA metropolitan-area code (e.g. LHR -> LON), where one exists."""
    return {a.iata: m for a, m in _airport_rows() if m}


@cache
def _station_rows() -> tuple[tuple[Station, float], ...]:
    cols = ("uic", "name", "country", "lat", "lon", "weight")
    return tuple(
        (Station(uic, name, country, float(lat), float(lon)), float(weight or 0))
        for uic, name, country, lat, lon, weight in _tuples("stations.csv", *cols)
    )


def load_stations() -> list[Station]:
    """Rail stations (served by at least one rail product), ordered by UIC id."""
    return [s for s, _ in _station_rows()]


def station_weights() -> dict[str, float]:
    """UIC id -> HAFAS importance weight (bigger = busier station)."""
    return {s.uic: w for s, w in _station_rows()}


@cache
def _power_table() -> tuple[PowerClass, ...]:
    return tuple(
        PowerClass(
            r["category"],
            r["subcategory"],
            r["class"],
            r["subclass"],
            Decimal(r["active_w"]),
            Decimal(r["standby_w"]),
        )
        for r in _rows("equipment_power.csv")
    )


def load_power_table() -> list[PowerClass]:
    """Equipment power classes (EPFL table), in source order."""
    return list(_power_table())


@cache
def _fx_rates() -> dict[tuple[int, str], Decimal]:
    return {
        (int(r["year"]), r["currency"]): Decimal(r["units_per_eur"])
        for r in _rows("ecb_fx_annual.csv")
    }


def load_fx_rates() -> dict[tuple[int, str], Decimal]:
    """(year, ISO 4217 currency) -> annual mean ECB rate, units of currency per 1 EUR."""
    return dict(_fx_rates())


@cache
def _hicp() -> dict[int, Decimal]:
    return {int(r["year"]): Decimal(r["index_2015_100"]) for r in _rows("hicp_ea_annual.csv")}


def load_hicp() -> dict[int, Decimal]:
    """Year -> euro-area HICP annual average index (2015 = 100)."""
    return dict(_hicp())
