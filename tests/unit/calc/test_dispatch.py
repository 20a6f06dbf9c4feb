"""Dispatch, entry validation, tree and explanations."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from co2calc.calc import LEAVES, REGISTRY, compute, entry_model, explain, tree, validate_entry
from co2calc.calc.entries import PlaneEntry
from co2calc.factors import EntryTypeError, UnknownSubmoduleError
from co2calc.modules import MODULES


def test_every_module_has_calculators_and_leaves_are_scoped() -> None:
    assert {m for m, _ in REGISTRY} == set(MODULES)
    assert all(lf.scope in (1, 2, 3) for lf in LEAVES.values())
    assert json.dumps(tree())


def test_unknown_submodule_and_wrong_entry_type(ctx) -> None:
    with pytest.raises(UnknownSubmoduleError):
        compute("travel", "boat", PlaneEntry(origin="GVA", destination="LHR"), ctx)
    with pytest.raises(EntryTypeError):
        compute("travel", "train", PlaneEntry(origin="GVA", destination="LHR"), ctx)


@pytest.mark.parametrize(
    ("module", "submodule", "data"),
    [
        (
            "headcount",
            "members",
            {"name": "a", "staff_category": "53", "person_id": "1", "fte": "1.2"},
        ),
        (
            "headcount",
            "members",
            {"name": "a", "staff_category": "55", "person_id": "1", "fte": "1"},
        ),
        (
            "equipment",
            "it",
            {
                "inventory_id": "1",
                "name": "a",
                "cls": "Laptop",
                "active_hours_week": 100,
                "standby_hours_week": 100,
            },
        ),
        (
            "equipment",
            "it",
            {"inventory_id": "1", "name": "a", "cls": "Laptop", "active_hours_week": 169},
        ),
        ("travel", "plane", {"origin": "GVA", "destination": "LHR", "trips": 0}),
        ("travel", "plane", {"origin": "GV1", "destination": "LHR"}),
        ("travel", "plane", {"origin": "GVA", "destination": "gva"}),
        ("travel", "plane", {"origin": "GVA", "destination": "LHR", "cabin_class": "luxury"}),
        ("purchases", "other", {"item": "a", "amount": 1, "currency": "XAU", "purchase_code": "1"}),
        (
            "purchases",
            "other",
            {"item": "a", "amount": -1, "currency": "EUR", "purchase_code": "1"},
        ),
        ("buildings", "rooms", {"building": "B", "room": "1", "share": "1.5"}),
        ("cloud-ai", "ai", {"provider": "x", "use": "text", "user_fte": 1, "requests_band": "7"}),
        ("travel", "plane", {"origin": "GVA", "destination": "LHR", "unexpected": 1}),
    ],
)
def test_boundary_validation_rejects(module, submodule, data) -> None:
    with pytest.raises(ValidationError):
        validate_entry(module, submodule, data)


def test_validate_entry_normalises() -> None:
    entry = validate_entry("travel", "plane", {"origin": " gva", "destination": "lhr"})
    assert isinstance(entry, entry_model("travel", "plane"))
    assert (entry.origin, entry.trips) == ("GVA", 1)


def test_explain_is_json_and_matches_compute(ctx) -> None:
    entry = PlaneEntry(origin="GVA", destination="LHR", round_trip=True)
    trace = explain("travel", "plane", entry, ctx)
    text = json.dumps(trace)
    assert "ADEME" in text  # the factor's source is part of the explanation
    assert D(trace["result"]["kg"]) == compute("travel", "plane", entry, ctx).kg
    assert trace["steps"][0]["name"].startswith("one-way distance")
