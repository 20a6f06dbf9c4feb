"""Plane and train calculators (product spec §4.2).

Plane: one-way leg = great circle + 95 km; the haul band is chosen on that
corrected leg distance; ``pkm = leg × trips × (2 if round trip)``;
``kg = pkm × factor``. Factor keys in ``travel/plane``:

* ``band:<lo>-<hi>`` economy factor for ``lo <= leg km < hi`` (``hi`` empty = ∞);
* ``band:<lo>-<hi>:<cabin>`` an explicit class row, used when present;
* ``ratio:<lo>-<hi>:<cabin>`` a multiplier on the economy row otherwise.

Non-CO2 effects follow the factor's own ``non_co2`` field
(:attr:`Factor.effective_value`): a factor that *includes* contrails is used
as is, a CO2-only factor with a multiplier is multiplied once, never twice.

Train: leg = great circle × 1.2; factor ``travel/train`` key = ``CH`` when both
ends are Swiss, else the foreign end's country (destination first), else
``RoW``. An optional ``ratio:1st`` row scales first class.
"""

from __future__ import annotations

from decimal import Decimal
from math import hypot

from co2calc.calc.context import CalcContext, station_key
from co2calc.calc.entries.travel import CabinClass, PlaneEntry, TrainClass, TrainEntry
from co2calc.calc.geo import plane_leg_km, train_leg_km
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES
from co2calc.factors.model import Factor, FactorSet

__all__ = ["compute_plane", "compute_train", "flight_bands"]

PLANE_ACTIVITY_UNC = 0.05  # airport-to-airport routing vs great circle + 95 km
TRAIN_ACTIVITY_UNC = 0.10  # × 1.2 detour is a national average
OVERRIDE_UNC = 0.10  # agency-computed kg
_PLANE = LEAVES["travel.plane"]
_TRAIN = LEAVES["travel.train"]
_TWO = Decimal(2)

type Band = tuple[Decimal, Decimal | None, str]
type Resolved = tuple[str, Decimal, float]  # factor id, kg/pkm, factor uncertainty


def flight_bands(factor_set: FactorSet) -> list[Band]:
    """The economy bands of a set as (lo, hi, band name), sorted by ``lo``."""
    bands: list[Band] = []
    for f in factor_set.select("travel", "plane"):
        parts = f.key.split(":")
        if len(parts) == 2 and parts[0] == "band":
            lo, _, hi = parts[1].partition("-")
            bands.append((Decimal(lo), Decimal(hi) if hi else None, parts[1]))
    return sorted(bands, key=lambda b: b[0])


def _band_for(ctx: CalcContext, km: Decimal) -> str | None:
    bands = ctx.memo.get("plane.bands")
    if bands is None:
        bands = ctx.memo["plane.bands"] = flight_bands(ctx.factor_set)
    for lo, hi, name in bands:  # type: ignore[union-attr]
        if km >= lo and (hi is None or km < hi):
            return name
    return None


def _plane_factor(ctx: CalcContext, band: str, cabin: str, tr: Trace | None) -> Resolved | None:
    memo_key = ("plane.factor", band, cabin)
    if tr is None and (hit := ctx.memo.get(memo_key)) is not None:
        return hit  # type: ignore[return-value]
    fs = ctx.factor_set
    resolved: Resolved | None = None
    if (direct := fs.get("travel", "plane", f"band:{band}:{cabin}")) is not None:
        resolved = (direct.factor_id, direct.effective_value, float(direct.uncertainty))
        if tr is not None:
            tr.factor("class factor", direct)
    elif (eco := fs.get("travel", "plane", f"band:{band}")) is not None:
        if tr is not None:
            tr.factor("economy band factor", eco)
        if cabin == CabinClass.ECONOMY:
            resolved = (eco.factor_id, eco.effective_value, float(eco.uncertainty))
        elif (ratio := fs.get("travel", "plane", f"ratio:{band}:{cabin}")) is not None:
            if tr is not None:
                tr.factor("cabin class ratio", ratio)
            unc = hypot(float(eco.uncertainty), float(ratio.uncertainty))
            resolved = (eco.factor_id, eco.effective_value * ratio.value, unc)
    if resolved is not None:
        ctx.memo[memo_key] = resolved
    return resolved


def _leg_km(ctx: CalcContext, origin: str, destination: str) -> Decimal | str:
    """Corrected one-way km, memoised per unordered pair; an unknown code is returned as str."""
    pair = (origin, destination) if origin < destination else (destination, origin)
    km = ctx.memo.get(pair)
    if km is None:
        a, b = ctx.airports.get(origin), ctx.airports.get(destination)
        if a is None or b is None:
            return origin if a is None else destination
        km = ctx.memo[pair] = plane_leg_km(a.lat, a.lon, b.lat, b.lon)
    return km  # type: ignore[return-value]


def compute_plane(entry: PlaneEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    legs = entry.trips * 2 if entry.round_trip else entry.trips
    if entry.kg_override is not None:
        if tr is not None:
            tr.step("agency kg override", entry.kg_override, "kg CO2e")
        row = make_row(
            _PLANE,
            entry.kg_override,
            "agency-override",
            ctx.factor_set.version,
            Decimal(legs),
            "leg",
            OVERRIDE_UNC,
        )
        return Result((row,))
    km = _leg_km(ctx, entry.origin, entry.destination)
    if type(km) is str:
        return Result.flagged(FlagReason.UNKNOWN_AIRPORT, f"unknown airport {km}")
    band = _band_for(ctx, km)  # type: ignore[arg-type]
    resolved = None if band is None else _plane_factor(ctx, band, entry.cabin_class, tr)
    if resolved is None:
        return Result.flagged(
            FlagReason.NO_MATCHING_FACTOR,
            f"no plane factor for {km} km ({band or 'no band'}), {entry.cabin_class}",
        )
    factor_id, value, unc = resolved
    pkm = km * legs  # type: ignore[operator]
    kg = pkm * value
    if tr is not None:
        tr.step("one-way distance (great circle + 95 km)", km, "km")
        tr.step("haul band (on corrected distance)", band)
        tr.step("legs (trips × 2 if round trip)", legs)
        tr.step("passenger-km", pkm, "pkm")
        tr.step("factor applied (non-CO2 handled once)", value, "kg/pkm")
        tr.step("emissions", kg, "kg CO2e")
    return Result(
        (
            make_row(
                _PLANE, kg, factor_id, ctx.factor_set.version, pkm, "pkm", unc, PLANE_ACTIVITY_UNC
            ),
        )
    )


def _train_factor(ctx: CalcContext, o_country: str, d_country: str) -> Factor | None:
    fs = ctx.factor_set
    if o_country == "CH" and d_country == "CH":
        return fs.get("travel", "train", "CH")
    for country in (d_country, o_country):
        if country != "CH" and (f := fs.get("travel", "train", country)) is not None:
            return f
    return fs.get("travel", "train", "RoW")


def _train_route(
    ctx: CalcContext, entry: TrainEntry, tr: Trace | None
) -> tuple[Decimal, str, Decimal, float] | Result:
    """(leg km, factor id, kg/pkm, factor uncertainty) of a route, memoised when not tracing."""
    memo_key = (
        "train",
        entry.origin_name,
        entry.origin_country,
        entry.destination_name,
        entry.destination_country,
        entry.travel_class,
    )
    if tr is None and (hit := ctx.memo.get(memo_key)) is not None:
        return hit  # type: ignore[return-value]
    o = ctx.stations.get(station_key(entry.origin_name, entry.origin_country))
    d = ctx.stations.get(station_key(entry.destination_name, entry.destination_country))
    if o is None or d is None:
        name = entry.origin_name if o is None else entry.destination_name
        return Result.flagged(FlagReason.UNKNOWN_STATION, f"unknown station {name}")
    factor = _train_factor(ctx, o.country, d.country)
    if factor is None:
        return Result.flagged(
            FlagReason.NO_MATCHING_FACTOR, f"no train factor for {o.country}-{d.country} nor RoW"
        )
    value, unc = factor.effective_value, float(factor.uncertainty)
    if tr is not None:
        tr.factor("country factor", factor)
    if (
        entry.travel_class == TrainClass.FIRST
        and (ratio := ctx.factor_set.get("travel", "train", "ratio:1st")) is not None
    ):
        value *= ratio.value
        unc = hypot(unc, float(ratio.uncertainty))
        if tr is not None:
            tr.factor("first class ratio", ratio)
    resolved = (train_leg_km(o.lat, o.lon, d.lat, d.lon), factor.factor_id, value, unc)
    ctx.memo[memo_key] = resolved
    return resolved


def compute_train(entry: TrainEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    route = _train_route(ctx, entry, tr)
    if type(route) is Result:
        return route
    km, factor_id, value, unc = route  # type: ignore[misc]
    legs = entry.trips * 2 if entry.round_trip else entry.trips
    pkm = km * legs
    kg = pkm * value
    if tr is not None:
        tr.step("one-way distance (great circle × 1.2)", km, "km")
        tr.step("legs (trips × 2 if round trip)", legs)
        tr.step("passenger-km", pkm, "pkm")
        tr.step("emissions", kg, "kg CO2e")
    row = make_row(
        _TRAIN, kg, factor_id, ctx.factor_set.version, pkm, "pkm", unc, TRAIN_ACTIVITY_UNC
    )
    return Result((row,))
