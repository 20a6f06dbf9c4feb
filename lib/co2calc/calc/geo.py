"""Travel distances (product spec §4.2).

Great-circle distance by haversine on a sphere of radius 6,371 km; a plane leg
adds a fixed 95 km (take-off, landing, holding, detours); a train leg is the
great-circle distance × 1.2 (tracks are not straight). Floats are used for the
trigonometry (no Decimal trig exists); the result is rounded to the metre and
returned as ``Decimal`` so everything downstream is decimal.
"""

from __future__ import annotations

from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

__all__ = [
    "EARTH_RADIUS_KM",
    "PLANE_DETOUR_KM",
    "TRAIN_DETOUR_FACTOR",
    "great_circle_km",
    "plane_leg_km",
    "train_leg_km",
]

EARTH_RADIUS_KM = 6371.0
PLANE_DETOUR_KM = Decimal(95)
TRAIN_DETOUR_FACTOR = Decimal("1.2")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two points given in decimal degrees."""
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def _km(value: float) -> Decimal:
    return Decimal(f"{value:.3f}")


def plane_leg_km(lat1: float, lon1: float, lat2: float, lon2: float) -> Decimal:
    """One-way flight distance: great circle + 95 km."""
    return _km(great_circle_km(lat1, lon1, lat2, lon2)) + PLANE_DETOUR_KM


def train_leg_km(lat1: float, lon1: float, lat2: float, lon2: float) -> Decimal:
    """One-way rail distance: great circle × 1.2."""
    return _km(great_circle_km(lat1, lon1, lat2, lon2)) * TRAIN_DETOUR_FACTOR
