"""Packaged reference data: airports, stations, power table, FX, HICP."""

import dataclasses
import time
from decimal import Decimal
from importlib.resources import files

import pytest

from co2calc.refdata import (
    Airport,
    PowerClass,
    Station,
    _load,
    load_airports,
    load_fx_rates,
    load_hicp,
    load_power_table,
    load_stations,
)

# Bus-only stop with a UIC-style id in db-hafas-stations@2.0.0 full.ndjson
# (products: bus only); it must not be in stations.csv.
BUS_ONLY_UIC = "8500096"  # "Basel, Dreispitz"


@pytest.mark.parametrize(
    ("code", "country", "lat", "lon"),
    [
        ("GVA", "CH", 46.238, 6.109),
        ("LHR", "GB", 51.471, -0.462),
        ("ZRH", "CH", 47.465, 8.549),
    ],
)
def test_airports_present(code, country, lat, lon):
    a = load_airports()[code]
    assert isinstance(a, Airport)
    assert a.iata == code
    assert a.country == country
    assert a.lat == pytest.approx(lat, abs=0.01)
    assert a.lon == pytest.approx(lon, abs=0.01)


def test_airports_shape():
    airports = load_airports()
    assert 7000 < len(airports) < 9000
    assert all(len(k) == 3 and k == a.iata for k, a in airports.items())
    assert all(len(a.country) == 2 for a in airports.values())
    assert all(-90 <= a.lat <= 90 and -180 <= a.lon <= 180 for a in airports.values())
    assert airports["GVA"].city == "Geneva"


def test_dataclasses_frozen_and_slotted():
    a = load_airports()["GVA"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]
    for cls in (Airport, Station, PowerClass):
        assert hasattr(cls, "__slots__")
        assert cls.__dataclass_params__.frozen


def test_loaders_return_copies_of_a_cache():
    a = load_airports()
    a.pop("GVA")
    assert "GVA" in load_airports()
    load_stations().clear()
    assert load_stations()


def test_airports_load_fast():
    _load._airport_rows.cache_clear()
    _load._airports.cache_clear()
    t = time.perf_counter()
    load_airports()
    elapsed = time.perf_counter() - t
    assert elapsed < 0.25  # ~40 ms on a quiet machine; generous for loaded CI


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Lausanne", "CH"),
        ("Genève", "CH"),
        ("Zürich HB", "CH"),
        ("Paris Gare de Lyon", "FR"),
    ],
)
def test_stations_present(name, country):
    matches = [s for s in load_stations() if s.name == name]
    assert matches, name
    assert all(s.country == country for s in matches)
    assert all(s.uic[:2] in {"85", "87"} for s in matches)


def test_stations_shape():
    stations = load_stations()
    assert 10_000 < len(stations) < 20_000
    assert len({s.uic for s in stations}) == len(stations)
    assert all(len(s.uic) == 7 and s.uic.isdigit() for s in stations)
    assert all(len(s.country) == 2 for s in stations)
    geneva = next(s for s in stations if s.name == "Genève")
    assert geneva.lat == pytest.approx(46.210, abs=0.01)
    assert geneva.lon == pytest.approx(6.142, abs=0.01)


def test_bus_only_stop_excluded():
    assert BUS_ONLY_UIC not in {s.uic for s in load_stations()}
    assert not [s for s in load_stations() if s.name == "Basel, Dreispitz"]


def test_uic_country_mapping_shipped():
    text = files("co2calc").joinpath("data", "reference", "uic_country_codes.csv").read_text()
    assert "85,CH,Switzerland" in text
    assert "87,FR,France" in text


def test_fx_chf_2024_matches_source():
    rates = load_fx_rates()
    # /work/shared/data/ecb-fx-annual.csv: 2024,CHF,0.952626
    assert rates[(2024, "CHF")] == Decimal("0.952626")
    assert all(isinstance(v, Decimal) and v > 0 for v in rates.values())
    assert {c for _, c in rates} >= {"CHF", "USD", "GBP"}


def test_hicp_2019():
    hicp = load_hicp()
    assert hicp[2019] == Decimal("104.80")
    assert hicp[2015] == Decimal("100.00")


def test_power_table():
    table = load_power_table()
    assert len(table) > 150
    assert all(isinstance(p.active_w, Decimal) and isinstance(p.standby_w, Decimal) for p in table)
    by_key = {(p.cls, p.subclass): p for p in table}
    # first measurement pair
    oscillo = by_key[("Oscilloscopes", "")]
    assert (oscillo.active_w, oscillo.standby_w) == (Decimal(30), Decimal(0))
    # second pair where the first is empty
    calorimeter = by_key[("Calorimeters", "")]
    assert (calorimeter.active_w, calorimeter.standby_w) == (Decimal(20), Decimal("0.001"))
    # class carried down to the sub-class rows below it
    motor = by_key[("Moteurs", "Large Motor/Generator")]
    assert motor.active_w == Decimal(12000)
    laptop = by_key[("Laptop", "")]
    assert (laptop.category, laptop.subcategory) == ("IT /Telecom", "")
    assert all(p.cls for p in table)
    assert ("Aligner", "") not in by_key  # "?" in the source
