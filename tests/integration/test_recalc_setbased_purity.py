"""Proof that the set-based recalculation path computes what the engine computes.

The set-based path (``co2calc.recalc``) re-values stored emission rows in SQL as
``kg = quantity × new value of the row's factor`` (times the new class ratio for a
plane cabin or a first-class train priced with one) with the uncertainty
recombined, for the calculators listed in ``SET_BASED``, and leaves every other
entry to the engine. This holds only if, for those calculators, (1) every row the
plan accepts *is* ``quantity × effective value`` of its own factor, or ``quantity ×
(effective value × ratio)`` (under the engine's Decimal rounding), and (2) no other
factor influences the result except the ones ``auxiliary_of`` names. Both are
checked here over realistic entries (the demo seed's, plus every cabin class,
agency overrides, first-class trains, a centralised purchase in kg and fuel in
litres), with the engine itself as the
oracle: for every factor of the shipped set, perturbed on its own, the plan
applied to the rows computed before must give exactly the rows the engine
computes with the perturbed set, or leave the entry to the engine.

No services needed (pure engine + the plan); the SQL side of the same plan is
checked against the engine in ``test_recalc_setbased.py``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from co2calc import refdata
from co2calc.calc import REGISTRY, CalcContext, EmissionRow, FacilityRef, RoomRef
from co2calc.dev.seed import DEMO_UNITS, FACILITIES, ROOMS, demo_entries
from co2calc.factors import FactorSet, load_shipped_factor_set
from co2calc.recalc import (
    SET_BASED,
    _combined,
    _ratio_pricings,
    auxiliary_of,
    plan_rows,
    values_only,
)

YEAR = 2025  # the shipped set and the packaged FX/HICP of that year

EXTRA: list[tuple[str, str, dict[str, Any]]] = [
    # every cabin class on short, medium and long haul (explicit ratios)
    *[
        ("travel", "plane", {"origin": "GVA", "destination": d, "cabin_class": c})
        for d in ("ZRH", "LHR", "JFK")
        for c in ("economy", "premium_economy", "business", "first")
    ],
    ("travel", "plane", {"origin": "GVA", "destination": "CDG", "kg_override": "123.4"}),
    (
        "travel",
        "train",
        {
            "origin_name": "Genève",
            "origin_country": "CH",
            "destination_name": "Paris Gare de Lyon",
            "destination_country": "FR",
            "travel_class": "1st",
        },
    ),
    ("purchases", "centralised", {"item": "liquid_nitrogen", "quantity": "80", "unit": "kg"}),
    ("buildings", "combustion", {"fuel": "heating_oil", "unit": "L", "quantity": "950"}),
    ("equipment", "other", {"inventory_id": "X1", "name": "scope", "cls": "Oscilloscopes"}),
    *[
        (
            "purchases",
            sub,
            {"item": "x", "amount": "1234.56", "currency": "USD", "purchase_code": "41100000"},
        )
        for sub in ("other", "bio-chem-gas", "vehicles")
    ],
]


def _entries() -> list[tuple[str, str, Any]]:
    out = []
    for code, size in DEMO_UNITS.items():
        for older in (False, True):
            for module, sub, data, _ in demo_entries(code, size, YEAR, older, ["P1", "P2"]):
                out.append((module, sub, data))
    out += EXTRA
    return [(m, s, REGISTRY[m, s].model.model_validate(d)) for m, s, d in out]


def _context(fs: FactorSet) -> CalcContext:
    return CalcContext.build(
        fs,
        YEAR,
        airports=refdata.load_airports(),
        stations=refdata.load_stations(),
        power_table=refdata.load_power_table(),
        fx=refdata.load_fx_rates(),
        hicp=refdata.load_hicp(),
        rooms=[RoomRef(**r) for r in ROOMS],
        facilities=[
            FacilityRef(f["name"], f["total_use"], f["use_unit"], f["footprint_kg"], 0.3, "fp1")
            for f in FACILITIES
        ],
    )


def _compute(entries, fs: FactorSet) -> list[tuple[EmissionRow, ...] | str]:
    ctx = _context(fs)
    out: list[tuple[EmissionRow, ...] | str] = []
    for module, sub, entry in entries:
        r = REGISTRY[module, sub].fn(entry, ctx)
        out.append(r.rows if r.flag is None else r.flag.reason.value)
    return out


def _with_train_ratio(fs: FactorSet) -> FactorSet:
    """The set plus a first-class train ratio (the shipped set has none: the calculator
    reads ``ratio:1st`` when present), so that rows priced with it are checked too."""
    fr = fs.get("travel", "train", "FR")
    assert fr is not None and fs.get("travel", "train", "ratio:1st") is None
    ratio = dataclasses.replace(
        fr, factor_id="train.ratio.1st", key="ratio:1st", value=Decimal("1.45"), unit="ratio"
    )
    return FactorSet.of(fs.version, fs.year, fs.gwp_set, [*fs.factors, ratio])


@pytest.fixture(scope="module")
def base():
    fs = _with_train_ratio(load_shipped_factor_set(YEAR))
    entries = _entries()
    return fs, entries, _compute(entries, fs)


def _key(fs: FactorSet, module: str, submodule: str, r: EmissionRow):
    """The plan key of a stored row: the SQL sees the row's module/submodule columns,
    which are its calculator's (checked here: the plan relies on it)."""
    assert (r.module, r.submodule) == (module, submodule)
    return (fs.version, r.module, r.submodule, r.factor_id, r.factor_uncertainty, r.uncertainty)


def test_every_accepted_row_is_quantity_times_its_own_factor(base):
    fs, entries, results = base
    by_id = {f.factor_id: f for f in fs.factors}
    ratios = _ratio_pricings(fs, fs)
    pure: Counter[tuple[str, str]] = Counter()
    other: Counter[str] = Counter()
    for (module, sub, entry), rows in zip(entries, results, strict=True):
        if isinstance(rows, str):
            continue
        for r in rows:
            f = by_id.get(r.factor_id)
            if (module, sub) not in SET_BASED:
                assert module == "research-facilities"  # the only calculators left out
                continue
            if f is None:  # not a factor of the set: the plan never matches it (engine)
                assert r.factor_id == "agency-override"
                other["override"] += 1
                continue
            if r.factor_uncertainty != float(f.uncertainty) or r.kg != r.quantity * (
                f.effective_value
            ):
                # priced with a class ratio: exactly one ratio price of the factor is it,
                # kg = quantity × (effective value × ratio value), as the plan assumes
                assert (
                    (module, sub) == ("travel", "plane") and entry.cabin_class != "economy"
                ) or ((module, sub) == ("travel", "train") and entry.travel_class == "1st")
                hits = [
                    p
                    for p in ratios[module, sub, r.factor_id]
                    if p.old_fu == r.factor_uncertainty and r.kg == r.quantity * p.old_value
                ]
                assert len({p.old_value for p in hits}) == 1, (entry, r)
                assert str(r.kg) == str(r.quantity * hits[0].old_value)
                other[f"{sub} ratio"] += 1
                continue
            # THE property: kg is exactly quantity × the factor's effective value
            # (Decimal, default context: what the SQL path reproduces with co2calc_round28)
            assert r.kg == r.quantity * f.effective_value, (module, sub, r)
            assert str(r.kg) == str(r.quantity * f.effective_value)
            pure[module, sub] += 1
    # every set-based calculator was exercised with accepted rows
    assert set(pure) == SET_BASED
    # cabins priced with a ratio (each cabin of each band the entries reach) and the
    # first-class train (its ratio added to the set)
    assert other["override"] == 1 and other["plane ratio"] >= 7 and other["train ratio"] >= 1


def _apply(plan, fs_old, module, sub, rows):
    """What the SQL does to one entry's rows (None: an old row stays → engine): the plan
    rows of the row's key whose guard the row passes — never more than one."""
    index: dict[tuple, list[tuple]] = {}
    for p in plan:
        index.setdefault(p[:6], []).append(p)
    out = []
    for r in rows:
        hits = []
        for p in index.get(_key(fs_old, module, sub, r), ()):
            revalue, ambiguous, old_value, new_value, new_fu, new_unc = p[6:]
            if ambiguous:
                ok = r.kg != 0 and r.kg == r.quantity * old_value
            else:
                ok = not revalue or r.kg == r.quantity * old_value
            if ok:
                hits.append(p)
        if not hits:
            return None
        assert len(hits) == 1, (r, hits)  # the UPDATE would pick one of them at random
        revalue, _, _, new_value, new_fu, new_unc = hits[0][6:]
        kg = r.quantity * new_value if revalue else r.kg
        out.append(r._replace(kg=kg, factor_uncertainty=new_fu, uncertainty=new_unc))
    return out


def _perturbations(fs: FactorSet):
    for f in fs.factors:
        yield (
            f,
            dataclasses.replace(
                f, value=f.value * Decimal("1.37"), uncertainty=f.uncertainty + Decimal("0.01")
            ),
        )
        yield f, dataclasses.replace(f, uncertainty=f.uncertainty / 2)


def test_plan_applied_to_old_rows_equals_the_engine_for_every_factor_change(base):
    """Each factor changed on its own (value and uncertainty, then uncertainty only):
    entries the plan fully covers get exactly the engine's rows; the others keep an
    old row and go through the engine."""
    fs, entries, results = base
    set_based = engine = ratio_rows = 0
    for old_f, new_f in _perturbations(fs):
        new = FactorSet.of(
            fs.version + "+", fs.year, fs.gwp_set, [new_f if f is old_f else f for f in fs.factors]
        )
        assert values_only(fs, new) is not None
        keys = sorted(
            {
                _key(fs, m, s, r)
                for (m, s, _), rows in zip(entries, results, strict=True)
                if not isinstance(rows, str) and m != "research-facilities"
                for r in rows
            }
        )
        plan = plan_rows(fs, new, keys)
        expected = _compute(entries, new)
        for (module, sub, _), before, after in zip(entries, results, expected, strict=True):
            if isinstance(before, str) or module == "research-facilities":
                assert before == after or module == "research-facilities"
                continue
            got = _apply(plan, fs, module, sub, before)
            if got is None:
                engine += 1
                continue
            set_based += 1
            own = {f.factor_id: float(f.uncertainty) for f in fs.factors}
            ratio_rows += sum(r.factor_uncertainty != own[r.factor_id] for r in before)
            assert len(got) == len(after), (old_f.factor_id, module, sub)
            for g, e in zip(got, after, strict=True):
                assert g._replace(factor_version="") == e._replace(factor_version=""), (
                    old_f.factor_id,
                    module,
                    sub,
                    g,
                    e,
                )
                assert str(g.kg) == str(e.kg) or g.kg == e.kg
    assert set_based > 10 * engine  # the engine is the exception (auxiliary changes)
    # rows priced with a class ratio (cabins, first class) were re-valued by the plan for
    # every change, the ratio's own included: 2 perturbations × every factor
    assert ratio_rows >= 2 * len(fs.factors) * 10


def test_activity_uncertainty_is_recognised_or_the_row_goes_to_the_engine(base):
    """The recombination never guesses: a row whose activity part matches none of the
    known activity uncertainties gets no plan row."""
    fs, _, _ = base
    f = next(f for f in fs.factors if f.factor_id == "plane.0-1000")
    new = FactorSet.of(
        "x",
        fs.year,
        fs.gwp_set,
        [dataclasses.replace(g, uncertainty=Decimal("0.3")) if g is f else g for g in fs.factors],
    )
    fu = float(f.uncertainty)
    known = (fs.version, "travel", "plane", f.factor_id, fu, _combined(fu, 0.05))
    unknown = (fs.version, "travel", "plane", f.factor_id, fu, _combined(fu, 0.0731))
    rows = plan_rows(fs, new, [known, unknown])
    assert [r[:6] for r in rows] == [known]
    assert rows[0][-1] == _combined(0.3, 0.05)


def test_changes_that_are_not_values_only():
    fs = load_shipped_factor_set(YEAR)
    plane = next(f for f in fs.factors if f.factor_id == "plane.0-1000")
    ratio = next(f for f in fs.factors if f.key.startswith("ratio:"))
    spend = next(f for f in fs.factors if f.currency)

    def with_(old, new):
        return FactorSet.of("x", fs.year, fs.gwp_set, [new if g is old else g for g in fs.factors])

    assert values_only(fs, with_(plane, dataclasses.replace(plane, unit="kg/km"))) is None
    assert values_only(fs, with_(spend, dataclasses.replace(spend, base_year=2015))) is None
    assert (
        values_only(fs, FactorSet.of("x", fs.year, fs.gwp_set, fs.factors[1:])) is None
    )  # removed
    assert values_only(fs, FactorSet.of("x", fs.year, "AR6", fs.factors)) is None
    assert values_only(fs, with_(plane, dataclasses.replace(plane, source="other"))) == set()
    # a class ratio is priced by the plan (not auxiliary): no calculator to the engine
    assert values_only(fs, with_(ratio, dataclasses.replace(ratio, value=Decimal(2)))) == set()
    assert auxiliary_of(plane) == auxiliary_of(ratio) == frozenset()


def test_a_key_with_several_prices_is_told_apart_or_left_to_the_engine():
    """First class and premium economy on 1000-3500 km share the ratio uncertainty (0.2),
    so their rows share a plan key: the plan has one row per price, each guarded by
    the exact kg; two prices the kg cannot tell apart go to the engine."""
    fs = load_shipped_factor_set(YEAR)
    eco = next(f for f in fs.factors if f.factor_id == "plane.1000-3500")
    first = fs.get("travel", "plane", "ratio:1000-3500:first")
    premium = fs.get("travel", "plane", "ratio:1000-3500:premium_economy")
    assert first is not None and premium is not None
    assert first.uncertainty == premium.uncertainty == Decimal("0.2")  # the shipped set
    fu = _combined(0.37, 0.2)  # hypot(economy band's, ratio's)
    key = (fs.version, "travel", "plane", eco.factor_id, fu, _combined(fu, 0.05))

    def with_(base: FactorSet, version: str, **changes: Decimal) -> FactorSet:
        factors = []
        for f in base.factors:
            if f.factor_id == eco.factor_id and "band" in changes:
                f = dataclasses.replace(f, value=changes["band"])
            if f.factor_id == first.factor_id and "first" in changes:
                f = dataclasses.replace(f, value=changes["first"])
            if f.factor_id == premium.factor_id and "premium" in changes:
                f = dataclasses.replace(f, value=changes["premium"])
            factors.append(f)
        return FactorSet.of(version, base.year, base.gwp_set, factors)

    # the band's value changes: two prices, both guarded by the exact kg
    # (0.1875 × 1.5 = 0.28125 → 0.2 × 1.5 = 0.30; 0.1875 × 1.0 = 0.18750 → 0.2 × 1.0 = 0.20)
    rows = plan_rows(fs, with_(fs, "n", band=Decimal("0.2")), [key])
    assert sorted((r[6], r[7], str(r[8]), str(r[9])) for r in rows) == [
        (True, True, "0.18750", "0.20"),
        (True, True, "0.28125", "0.30"),
    ]
    # the same old value (both ratios 1.5), told apart by nothing, but the same result:
    # one price, not ambiguous
    same = with_(fs, "o", premium=Decimal("1.5"))
    rows = plan_rows(same, with_(same, "n", band=Decimal("0.2")), [(same.version, *key[1:])])
    assert [(r[6], r[7], str(r[8]), str(r[9])) for r in rows] == [(True, False, "0.28125", "0.30")]
    # ... and different results (only first class changes): the key goes to the engine
    assert plan_rows(same, with_(same, "n", first=Decimal("1.6")), [(same.version, *key[1:])]) == []
