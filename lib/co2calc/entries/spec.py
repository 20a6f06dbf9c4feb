"""Per-module specifications driving the one generic CRUD core.

A :class:`ModuleSpec` says which submodules a module has and, per submodule,
which entry-data fields may be filtered on (exact match), sorted on and
searched (``q``, case-insensitive substring, plus the note). The entry model
of each submodule is the engine's (``co2calc.calc.entry_model``), resolved
lazily so importing a function does not load the engine.

Own scope (travel, cloud-ai; ``co2calc.auth.policy.OWN_SCOPE_MODULES``):
standard members list, create, edit and delete only rows whose
``owner_user_id`` is theirs. ``owner_field`` names the entry field that says
whose row it is (travel: ``traveller_id``, an institutional person id):

* a member's row is always owned by the member; an empty traveller is filled
  with the member's person id, another person's id is refused (403);
* a unit manager or admin may name the owner (``owner_user_id`` in the body);
  otherwise the owner is the signed-in user whose person id is the
  traveller, else (no such user) nobody — the row is then the unit's,
  visible to managers only; without a traveller the writer owns the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from co2calc.auth.policy import OWN_SCOPE_MODULES

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["COLUMN_SORTS", "SPECS", "ModuleSpec", "SubmoduleSpec", "spec_of"]

# Entry columns every list can sort on, besides the data fields of the spec.
COLUMN_SORTS = frozenset({"id", "kg_co2e", "created_at", "updated_at", "flag_reason"})


@dataclass(frozen=True)
class SubmoduleSpec:
    filterable: tuple[str, ...] = ()
    sortable: tuple[str, ...] = ()
    searchable: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleSpec:
    module: str
    submodules: dict[str, SubmoduleSpec]
    owner_field: str | None = None  # entry field naming the row's person (own scope)
    unit_writable: bool = True  # False: read-only for units, admins write (facilities)
    unique_fields: dict[str, tuple[str, ...]] | None = None  # submodule -> unique data fields

    @property
    def own_scope(self) -> bool:
        return self.module in OWN_SCOPE_MODULES

    @cached_property
    def filter_fields(self) -> tuple[str, ...]:
        """Every filterable field of any submodule (the module's list query parameters)."""
        seen: dict[str, None] = {}
        for sub in self.submodules.values():
            seen.update(dict.fromkeys(sub.filterable))
        return tuple(seen)

    def model(self, submodule: str) -> type[BaseModel]:
        from co2calc.calc import entry_model  # lazy: the engine loads on first use

        return entry_model(self.module, submodule)


def _same(names: tuple[str, ...], sub: SubmoduleSpec) -> dict[str, SubmoduleSpec]:
    return dict.fromkeys(names, sub)


_EQUIPMENT = SubmoduleSpec(
    filterable=("cls", "subclass"),
    sortable=("inventory_id", "name", "cls", "subclass", "active_hours_week", "standby_hours_week"),
    searchable=("inventory_id", "name", "cls", "subclass"),
)
_SPEND = SubmoduleSpec(
    filterable=("currency", "purchase_code", "nacres_code", "supplier"),
    sortable=("item", "supplier", "quantity", "amount", "currency", "purchase_code", "nacres_code"),
    searchable=("item", "supplier", "purchase_code", "nacres_code"),
)
_FACILITY = SubmoduleSpec(
    filterable=("facility", "use_unit"), sortable=("facility", "use"), searchable=("facility",)
)

SPECS: dict[str, ModuleSpec] = {
    s.module: s
    for s in (
        ModuleSpec(
            "headcount",
            {
                "members": SubmoduleSpec(
                    filterable=("staff_category", "person_id"),
                    sortable=("name", "staff_category", "person_id", "fte"),
                    searchable=("name", "person_id"),
                ),
                "students": SubmoduleSpec(sortable=("fte",)),
            },
            unique_fields={"members": ("person_id",)},
        ),
        ModuleSpec(
            "travel",
            {
                "plane": SubmoduleSpec(
                    filterable=(
                        "origin",
                        "destination",
                        "cabin_class",
                        "round_trip",
                        "traveller_id",
                    ),
                    sortable=(
                        "date",
                        "origin",
                        "destination",
                        "trips",
                        "cabin_class",
                        "traveller_id",
                    ),
                    searchable=("origin", "destination", "traveller_id"),
                ),
                "train": SubmoduleSpec(
                    filterable=(
                        "origin_country",
                        "destination_country",
                        "travel_class",
                        "round_trip",
                        "traveller_id",
                    ),
                    sortable=("date", "origin_name", "destination_name", "trips", "traveller_id"),
                    searchable=("origin_name", "destination_name", "traveller_id"),
                ),
            },
            owner_field="traveller_id",
        ),
        ModuleSpec(
            "buildings",
            {
                "rooms": SubmoduleSpec(
                    filterable=("building", "room_type"),
                    sortable=("building", "room", "room_type", "share"),
                    searchable=("building", "room"),
                ),
                "combustion": SubmoduleSpec(
                    filterable=("fuel", "unit"), sortable=("fuel", "quantity"), searchable=("fuel",)
                ),
            },
        ),
        ModuleSpec("equipment", _same(("scientific", "it", "other"), _EQUIPMENT)),
        ModuleSpec(
            "purchases",
            {
                **_same(
                    (
                        "scientific-equipment",
                        "it-equipment",
                        "consumables",
                        "bio-chem-gas",
                        "services",
                        "vehicles",
                        "other",
                    ),
                    _SPEND,
                ),
                "centralised": SubmoduleSpec(
                    filterable=("item", "unit"), sortable=("item", "quantity"), searchable=("item",)
                ),
            },
        ),
        ModuleSpec(
            "cloud-ai",
            {
                "cloud": SubmoduleSpec(
                    filterable=("provider", "service_type", "currency"),
                    sortable=("provider", "service_type", "amount"),
                    searchable=("provider",),
                ),
                "ai": SubmoduleSpec(
                    filterable=("provider", "use", "requests_band"),
                    sortable=("provider", "use", "user_fte"),
                    searchable=("provider",),
                ),
            },
        ),
        ModuleSpec(
            "process-emissions",
            {
                "gas": SubmoduleSpec(
                    filterable=("gas",), sortable=("gas", "kg_emitted"), searchable=("gas",)
                )
            },
        ),
        ModuleSpec(
            "research-facilities", _same(("common", "animal"), _FACILITY), unit_writable=False
        ),
    )
}


def spec_of(module: str) -> ModuleSpec:
    return SPECS[module]
