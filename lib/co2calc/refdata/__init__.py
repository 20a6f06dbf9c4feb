"""Reference data: airports, rail stations, equipment power, ECB FX rates, HICP.

Data files live in ``co2calc/data/reference`` (see its README for sources and
licences) and are rebuilt by ``scripts/build_reference_data.py``.  Loaders read
them lazily through :mod:`importlib.resources` and cache the parsed result.
"""

from co2calc.refdata._load import (
    Airport,
    PowerClass,
    Station,
    load_airports,
    load_fx_rates,
    load_hicp,
    load_power_table,
    load_stations,
)
from co2calc.refdata._search import AirportIndex, StationIndex

__all__ = [
    "Airport",
    "AirportIndex",
    "PowerClass",
    "Station",
    "StationIndex",
    "load_airports",
    "load_fx_rates",
    "load_hicp",
    "load_power_table",
    "load_stations",
]
