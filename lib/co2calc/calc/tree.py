"""The emission tree: every leaf an emission row can land on (product spec §4, §7).

Charts and aggregates are built from leaves only; a leaf fixes scope (GHG
Protocol 1/2/3), category (GHG Protocol category or scope-1/2 source type),
module and submodule. Heating has two leaves because its scope depends on the
carrier (fuel burnt on site = scope 1, district heat = scope 2). Leaves marked
``estimate`` are the additional categories of §4.9 (commuting, food, waste,
construction) that reports may hide from totals.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEAVES", "PURCHASE_SUBMODULES", "WORKS_CATEGORIES", "Leaf", "leaf", "tree"]


@dataclass(frozen=True, slots=True)
class Leaf:
    id: str
    scope: int
    category: str
    module: str
    submodule: str
    label: str
    estimate: bool = False


_PURCHASE_SUBS = (
    ("scientific-equipment", "Scientific equipment", "capital_goods"),
    ("it-equipment", "IT equipment", "capital_goods"),
    ("consumables", "Consumables", "purchased_goods_services"),
    ("bio-chem-gas", "Biological, chemical and gas products", "purchased_goods_services"),
    ("services", "Services", "purchased_goods_services"),
    ("vehicles", "Vehicles", "capital_goods"),
    ("other", "Other purchases", "purchased_goods_services"),
)
_WORKS = (
    ("new_envelope", "New building envelope"),
    ("new_technical", "New technical installations"),
    ("renovation_envelope", "Envelope renovation"),
    ("renovation_technical", "Technical renovation"),
    ("demolition", "Demolition"),
)
_ADDITIONAL = (
    ("commuting", "employee_commuting", "Commuting"),
    ("food", "purchased_goods_services", "Food"),
    ("waste", "waste", "Waste"),
)


def _build() -> dict[str, Leaf]:
    leaves = [
        Leaf("travel.plane", 3, "business_travel", "travel", "plane", "Plane"),
        Leaf("travel.train", 3, "business_travel", "travel", "train", "Train"),
        Leaf(
            "buildings.heating.onsite",
            1,
            "stationary_combustion",
            "buildings",
            "rooms",
            "Heating (fuel burnt on site)",
        ),
        Leaf(
            "buildings.heating.purchased",
            2,
            "purchased_heat",
            "buildings",
            "rooms",
            "Heating (district heat, electricity)",
        ),
        Leaf("buildings.cooling", 2, "purchased_electricity", "buildings", "rooms", "Cooling"),
        Leaf(
            "buildings.ventilation", 2, "purchased_electricity", "buildings", "rooms", "Ventilation"
        ),
        Leaf("buildings.lighting", 2, "purchased_electricity", "buildings", "rooms", "Lighting"),
        Leaf(
            "buildings.combustion",
            1,
            "stationary_combustion",
            "buildings",
            "combustion",
            "Fuel combustion",
        ),
        *(
            Leaf(
                f"buildings.construction.{k}",
                3,
                "capital_goods",
                "buildings",
                "rooms",
                f"Construction: {label}",
                estimate=True,
            )
            for k, label in _WORKS
        ),
        *(
            Leaf(f"equipment.{s}", 2, "purchased_electricity", "equipment", s, label)
            for s, label in (
                ("scientific", "Scientific equipment"),
                ("it", "IT equipment"),
                ("other", "Other equipment"),
            )
        ),
        *(
            Leaf(f"purchases.{s}", 3, cat, "purchases", s, label)
            for s, label, cat in _PURCHASE_SUBS
        ),
        Leaf(
            "purchases.centralised",
            3,
            "purchased_goods_services",
            "purchases",
            "centralised",
            "Centralised purchases",
        ),
        Leaf(
            "cloud-ai.cloud", 3, "purchased_goods_services", "cloud-ai", "cloud", "External cloud"
        ),
        Leaf("cloud-ai.ai", 3, "purchased_goods_services", "cloud-ai", "ai", "Generative AI"),
        Leaf(
            "process-emissions.gas",
            1,
            "process_fugitive",
            "process-emissions",
            "gas",
            "Process and fugitive gases",
        ),
        Leaf(
            "research-facilities.common",
            3,
            "purchased_goods_services",
            "research-facilities",
            "common",
            "Shared research facilities",
        ),
        Leaf(
            "research-facilities.animal",
            3,
            "purchased_goods_services",
            "research-facilities",
            "animal",
            "Animal facilities",
        ),
        *(
            Leaf(
                f"additional.{k}.{pop}",
                3,
                cat,
                "headcount",
                "members" if pop == "staff" else "students",
                f"{label} ({pop})",
                estimate=True,
            )
            for k, cat, label in _ADDITIONAL
            for pop in ("staff", "students")
        ),
    ]
    return {lf.id: lf for lf in leaves}


LEAVES: dict[str, Leaf] = _build()
"""Every leaf by id (``module.submodule[.detail]``)."""

WORKS_CATEGORIES: tuple[str, ...] = tuple(k for k, _ in _WORKS)
PURCHASE_SUBMODULES: tuple[str, ...] = tuple(s for s, _, _ in _PURCHASE_SUBS)


def leaf(leaf_id: str) -> Leaf:
    return LEAVES[leaf_id]


def tree() -> dict[str, object]:
    """Nested JSON-able tree module → submodule → leaves, for chart legends."""
    out: dict[str, dict[str, list[dict[str, object]]]] = {}
    for lf in LEAVES.values():
        out.setdefault(lf.module, {}).setdefault(lf.submodule, []).append(
            {
                "id": lf.id,
                "scope": lf.scope,
                "category": lf.category,
                "label": lf.label,
                "estimate": lf.estimate,
            }
        )
    return {"modules": out}
