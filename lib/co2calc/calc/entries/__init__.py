"""Entry models, one per submodule entry shape (reused by the API and importer)."""

from co2calc.calc.entries.base import Entry
from co2calc.calc.entries.buildings import CombustionEntry, FuelUnit, RoomEntry, RoomType
from co2calc.calc.entries.cloud_ai import (
    REQUESTS_PER_DAY,
    AIEntry,
    AIUse,
    CloudEntry,
    CloudService,
    RequestBand,
)
from co2calc.calc.entries.equipment import HOURS_PER_WEEK, EquipmentEntry
from co2calc.calc.entries.facilities import FacilityUnit, FacilityUseEntry
from co2calc.calc.entries.headcount import MemberEntry, StaffCategory, StudentsEntry
from co2calc.calc.entries.process import GasEntry
from co2calc.calc.entries.purchases import (
    CentralisedPurchaseEntry,
    CentralisedUnit,
    Currency,
    PurchaseEntry,
)
from co2calc.calc.entries.travel import CabinClass, PlaneEntry, TrainClass, TrainEntry

__all__ = [
    "HOURS_PER_WEEK",
    "REQUESTS_PER_DAY",
    "AIEntry",
    "AIUse",
    "CabinClass",
    "CentralisedPurchaseEntry",
    "CentralisedUnit",
    "CloudEntry",
    "CloudService",
    "CombustionEntry",
    "Currency",
    "Entry",
    "EquipmentEntry",
    "FacilityUnit",
    "FacilityUseEntry",
    "FuelUnit",
    "GasEntry",
    "MemberEntry",
    "PlaneEntry",
    "PurchaseEntry",
    "RequestBand",
    "RoomEntry",
    "RoomType",
    "StaffCategory",
    "StudentsEntry",
    "TrainClass",
    "TrainEntry",
]
