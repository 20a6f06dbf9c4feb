"""The modules of a unit-year report (product spec §4)."""

from __future__ import annotations

__all__ = ["MODULES"]

MODULES: tuple[str, ...] = (
    "headcount",
    "travel",
    "buildings",
    "equipment",
    "purchases",
    "cloud-ai",
    "process-emissions",
    "research-facilities",
)
