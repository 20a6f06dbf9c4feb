"""Cloud, AI, process gases, research facilities, headcount (product spec §4.1, §4.6–4.9)."""

from __future__ import annotations

from decimal import Decimal as D

from co2calc.calc import FlagReason, compute
from co2calc.calc.entries import (
    AIEntry,
    CloudEntry,
    FacilityUseEntry,
    GasEntry,
    MemberEntry,
    StudentsEntry,
)
from co2calc.factors import FactorSet


def test_cloud_259_per_eur(fs2024, ctx_factory) -> None:
    # spec §4.6: kg = EUR × 0.259 (EPFL 2023, base year 2023 → no deflation in 2023)
    ctx = ctx_factory(fs2024, 2023)
    entry = CloudEntry(provider="AWS", service_type="compute", amount=D(1000), currency="EUR")
    (row,) = compute("cloud-ai", "cloud", entry, ctx).rows
    assert row.kg == D(259)


def test_ai_exactly_one_row(ctx) -> None:
    # regression + spec §4.6: 2 FTE × 12.5 req/day × 235 days × 7.5e-6 kg = 0.0440625 kg
    entry = AIEntry(provider="OpenAI", use="text", user_fte=D(2), requests_band="5-20")
    result = compute("cloud-ai", "ai", entry, ctx)
    assert len(result.rows) == 1
    assert result.rows[0].kg == D("0.0440625")
    custom = entry.model_copy(update={"working_days": 200})
    assert compute("cloud-ai", "ai", custom, ctx).rows[0].kg == D("0.0375")


def test_process_gas_gwp_from_factor_set(fs2024, ctx_factory, ctx) -> None:
    # AR5 R410A 1924 (spec §4.7); AR6 2255.5 (computed from AR6 components)
    (row,) = compute("process-emissions", "gas", GasEntry(gas="r410a", kg_emitted=D(2)), ctx).rows
    assert (row.kg, row.scope) == (D(3848), 1)
    ar6 = FactorSet.of("ar6", 2024, "AR6", fs2024.factors)
    (row6,) = compute(
        "process-emissions", "gas", GasEntry(gas="R410A", kg_emitted=D(2)), ctx_factory(ar6)
    ).rows
    assert row6.kg == D("4511.0")
    unknown = compute("process-emissions", "gas", GasEntry(gas="XYZ", kg_emitted=D(1)), ctx)
    assert unknown.flag.reason is FlagReason.NO_MATCHING_FACTOR


def test_facilities(ctx) -> None:
    # 100 h of 2000 h × 50 000 kg = 2500 kg; animal 10 of 1000 housings split per source
    (row,) = compute(
        "research-facilities",
        "common",
        FacilityUseEntry(facility="cryo-em", use=D(100), use_unit="hours"),
        ctx,
    ).rows
    assert row.kg == D(2500)
    animal = compute(
        "research-facilities",
        "animal",
        FacilityUseEntry(facility="animalerie", use=D(10), use_unit="animal_housings"),
        ctx,
    )
    assert sorted(r.kg for r in animal.rows) == [D(100), D(300)]
    wrong = compute(
        "research-facilities",
        "common",
        FacilityUseEntry(facility="cryo-em", use=D(1), use_unit="CHF"),
        ctx,
    )
    assert wrong.flag.reason is FlagReason.UNIT_MISMATCH


def test_headcount_per_fte_categories(ctx) -> None:
    # 0.5 FTE × (4000 pkm × 0.06, 200 meals × 2.5, 100 kg × 0.5) — shipped illustrative defaults
    member = MemberEntry(name="A", staff_category="53", person_id="p1", fte=D("0.5"))
    rows = {r.leaf: r.kg for r in compute("headcount", "members", member, ctx).rows}
    assert rows == {
        "additional.commuting.staff": D(120),
        "additional.food.staff": D(250),
        "additional.waste.staff": D(25),
    }
    students = compute("headcount", "students", StudentsEntry(fte=D(10)), ctx)
    assert {r.leaf for r in students.rows} == {
        "additional.commuting.students",
        "additional.food.students",
        "additional.waste.students",
    }
    assert all(r.estimate for r in students.rows)
