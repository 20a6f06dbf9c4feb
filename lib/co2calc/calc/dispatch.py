"""One entry point: ``compute(module, submodule, entry, ctx) -> Result``.

The registry maps every (module, submodule) to its entry model and calculator;
the API and importer use :func:`entry_model` / :func:`validate_entry` at the
boundary, then call :func:`compute` with the validated model. ``compute``
checks only the model's type (cheap) and never re-validates. :func:`explain`
runs the same calculator with a :class:`Trace` and returns JSON-able data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from co2calc.calc import (
    buildings,
    cloud_ai,
    equipment,
    facilities,
    headcount,
    process,
    purchases,
    travel,
)
from co2calc.calc.context import CalcContext
from co2calc.calc.entries import (
    AIEntry,
    CentralisedPurchaseEntry,
    CloudEntry,
    CombustionEntry,
    Entry,
    EquipmentEntry,
    FacilityUseEntry,
    GasEntry,
    MemberEntry,
    PlaneEntry,
    PurchaseEntry,
    RoomEntry,
    StudentsEntry,
    TrainEntry,
)
from co2calc.calc.result import Result
from co2calc.calc.trace import Trace, jsonable
from co2calc.calc.tree import PURCHASE_SUBMODULES
from co2calc.factors.errors import EntryTypeError, UnknownSubmoduleError

__all__ = ["REGISTRY", "Calculator", "compute", "entry_model", "explain", "validate_entry"]

type CalcFn = Callable[..., Result]


@dataclass(frozen=True, slots=True)
class Calculator:
    model: type[Entry]
    fn: CalcFn


def _build() -> dict[tuple[str, str], Calculator]:
    reg: dict[tuple[str, str], Calculator] = {
        ("headcount", "members"): Calculator(MemberEntry, headcount.compute_member),
        ("headcount", "students"): Calculator(StudentsEntry, headcount.compute_students),
        ("travel", "plane"): Calculator(PlaneEntry, travel.compute_plane),
        ("travel", "train"): Calculator(TrainEntry, travel.compute_train),
        ("buildings", "rooms"): Calculator(RoomEntry, buildings.compute_room),
        ("buildings", "combustion"): Calculator(CombustionEntry, buildings.compute_combustion),
        ("purchases", "centralised"): Calculator(
            CentralisedPurchaseEntry, purchases.compute_centralised
        ),
        ("cloud-ai", "cloud"): Calculator(CloudEntry, cloud_ai.compute_cloud),
        ("cloud-ai", "ai"): Calculator(AIEntry, cloud_ai.compute_ai),
        ("process-emissions", "gas"): Calculator(GasEntry, process.compute_gas),
    }
    for sub in ("scientific", "it", "other"):
        reg["equipment", sub] = Calculator(
            EquipmentEntry, partial(equipment.compute_equipment, submodule=sub)
        )
    for sub in PURCHASE_SUBMODULES:
        reg["purchases", sub] = Calculator(
            PurchaseEntry, partial(purchases.compute_purchase, submodule=sub)
        )
    for sub in ("common", "animal"):
        reg["research-facilities", sub] = Calculator(
            FacilityUseEntry, partial(facilities.compute_facility, submodule=sub)
        )
    return reg


REGISTRY: Mapping[tuple[str, str], Calculator] = _build()
"""Every (module, submodule) with its entry model and calculator."""


def _calculator(module: str, submodule: str) -> Calculator:
    try:
        return REGISTRY[module, submodule]
    except KeyError:
        raise UnknownSubmoduleError(f"no calculator for {module}/{submodule}") from None


def entry_model(module: str, submodule: str) -> type[Entry]:
    """The pydantic model of one submodule's entries."""
    return _calculator(module, submodule).model


def validate_entry(module: str, submodule: str, data: Mapping[str, object]) -> Entry:
    """Validate raw data at the boundary; raises ``pydantic.ValidationError``."""
    return _calculator(module, submodule).model.model_validate(data)


def compute(module: str, submodule: str, entry: Entry, ctx: CalcContext) -> Result:
    """Emission rows of one validated entry, or a flagged Result."""
    calc = _calculator(module, submodule)
    if type(entry) is not calc.model:
        raise EntryTypeError(
            f"{module}/{submodule} expects {calc.model.__name__}, got {type(entry).__name__}"
        )
    return calc.fn(entry, ctx)


def explain(module: str, submodule: str, entry: Entry, ctx: CalcContext) -> dict[str, object]:
    """A JSON-able trace: inputs, factors with sources, intermediate values, result."""
    calc = _calculator(module, submodule)
    if type(entry) is not calc.model:
        raise EntryTypeError(f"{module}/{submodule} expects {calc.model.__name__}")
    trace = Trace()
    result = calc.fn(entry, ctx, trace)
    return {
        "module": module,
        "submodule": submodule,
        "year": ctx.year,
        "factor_set_version": ctx.factor_set.version,
        "gwp_set": ctx.factor_set.gwp_set,
        "inputs": entry.model_dump(mode="json"),
        **trace.as_dict(),
        "result": {
            "ok": result.ok,
            "kg": jsonable(result.kg),
            "flag": None if result.flag is None else result.flag.as_dict(),
            "rows": [r.as_dict() for r in result.rows],
        },
    }
