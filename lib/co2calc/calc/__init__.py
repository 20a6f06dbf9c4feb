"""The pure calculation engine: entries + factors → emission rows (no I/O).

Entry point: :func:`compute` (and :func:`explain` for a trace). See
:mod:`co2calc.calc.dispatch` for the registry of modules and submodules.
"""

from co2calc.calc.aggregate import Summary, summarise
from co2calc.calc.context import CalcContext, FacilityRef, RoomRef, station_key
from co2calc.calc.dispatch import REGISTRY, compute, entry_model, explain, validate_entry
from co2calc.calc.result import EmissionRow, Flag, FlagReason, Result
from co2calc.calc.tree import LEAVES, Leaf, tree
from co2calc.calc.uncertainty import Interval, interval

__all__ = [
    "LEAVES",
    "REGISTRY",
    "CalcContext",
    "EmissionRow",
    "FacilityRef",
    "Flag",
    "FlagReason",
    "Interval",
    "Leaf",
    "Result",
    "RoomRef",
    "Summary",
    "compute",
    "entry_model",
    "explain",
    "interval",
    "station_key",
    "summarise",
    "tree",
    "validate_entry",
]
