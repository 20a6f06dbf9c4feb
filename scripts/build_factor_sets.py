#!/usr/bin/env python3
"""Build the shipped default factor sets (lib/co2calc/data/factors/).

Usage: ``uv run python scripts/build_factor_sets.py [--check]``

Every value below was copied by hand, with its source, from the project's
reference compilation (shared/data/factor-references.csv at the time of writing)
and the product specification (§4, §5). The script does *not* read those files:
it is the documented, reviewable origin of the CSVs and rebuilds them
identically. ``--check`` verifies the files on disk match instead of writing.

Rows marked "ILLUSTRATIVE PLACEHOLDER" in ``notes`` are plausible orders of
magnitude chosen by the project, not values read in a publication; an
institution must replace them with its own data before reporting.

Both years currently share the same values (the newest sources available for
each category apply to both); they are separate versioned sets so a later
correction of one year never changes the other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "co2calc" / "data" / "factors"
sys.path.insert(0, str(ROOT / "lib"))

from co2calc.factors.io import factor_set_to_csv, load_factor_csv  # noqa: E402
from co2calc.factors.parse import COLUMNS  # noqa: E402

YEARS = {2024: "2024.1", 2025: "2025.1"}
GWP_SET = "AR5"
ILLUSTRATIVE = "ILLUSTRATIVE PLACEHOLDER: project estimate, replace with institutional data"

LIC_ADEME = "ADEME Base Carbone, Licence Ouverte / Etalab 2.0 (attribution)"
LIC_DESNZ = "UK DESNZ conversion factors, Open Government Licence v3.0"
LIC_MOBITOOL = "mobitool factors v3.0, free use with citation"
LIC_IPCC = "IPCC assessment report values, citation required"
LIC_CH = "Swiss federal (BAFU) figures via EPFL documentation, free use with source"
LIC_PROJECT = "co2calc project placeholder (Apache-2.0)"

rows: list[dict[str, str]] = []


def add(
    fid: str,
    module: str,
    submodule: str,
    key: str,
    value: str,
    unit: str,
    unc: str,
    source: str,
    table: str = "",
    year: str = "",
    *,
    gwp: str = GWP_SET,
    non_co2: str = "not_applicable",
    mix: str = "",
    base_year: str = "",
    currency: str = "",
    licence: str = "",
    notes: str = "",
) -> None:
    rows.append(
        {
            "factor_id": fid,
            "module": module,
            "submodule": submodule,
            "key": key,
            "value": value,
            "unit": unit,
            "uncertainty": unc,
            "source": source,
            "source_table": table,
            "source_year": year,
            "gwp_set": gwp,
            "non_co2": non_co2,
            "non_co2_multiplier": "",
            "electricity_mix": mix,
            "base_year": base_year,
            "currency": currency,
            "licence": licence,
            "notes": notes,
        }
    )


# --- travel / plane: ADEME Base Carbone 2022 via Labos 1point5, contrails included (§4.2)
ADEME = "ADEME Base Carbone (values exported by Labos 1point5 / GES 1point5)"
for band, value, table in (
    ("0-1000", "0.2586", "plane court-courrier <1000 km, id 28130, with contrails"),
    ("1000-3500", "0.1875", "plane moyen-courrier 1000-3500 km, id 28132, with contrails"),
    ("3500-", "0.1520", "plane long-courrier >3500 km, id 28134, with contrails"),
):
    add(
        f"plane.{band}",
        "travel",
        "plane",
        f"band:{band}",
        value,
        "kg/pkm",
        "0.37",
        ADEME,
        table,
        "2022",
        non_co2="included",
        licence=LIC_ADEME,
        notes="average passenger; band on great circle + 95 km; do not add RF again",
    )
DESNZ = "UK DESNZ 'Greenhouse gas reporting: conversion factors 2025', business travel air"
for band in ("0-1000", "1000-3500"):
    add(
        f"plane.ratio.{band}.business",
        "travel",
        "plane",
        f"ratio:{band}:business",
        "1.5",
        "ratio",
        "0.05",
        DESNZ,
        "class ratio short-haul Business / Economy",
        "2025",
        licence=LIC_DESNZ,
    )
    add(
        f"plane.ratio.{band}.first",
        "travel",
        "plane",
        f"ratio:{band}:first",
        "1.5",
        "ratio",
        "0.2",
        DESNZ,
        "class ratio short-haul Business / Economy",
        "2025",
        licence=LIC_DESNZ,
        notes="no short-haul first class published: the business ratio is used",
    )
    add(
        f"plane.ratio.{band}.premium_economy",
        "travel",
        "plane",
        f"ratio:{band}:premium_economy",
        "1.0",
        "ratio",
        "0.2",
        DESNZ,
        "short-haul classes published: Average, Economy, Business",
        "2025",
        licence=LIC_DESNZ,
        notes="no short-haul premium economy published: treated as economy",
    )
for cabin, ratio in (("premium_economy", "1.6"), ("business", "2.9"), ("first", "4.0")):
    add(
        f"plane.ratio.3500-.{cabin}",
        "travel",
        "plane",
        f"ratio:3500-:{cabin}",
        ratio,
        "ratio",
        "0.05",
        DESNZ,
        f"class ratio long-haul {cabin} / Economy",
        "2025",
        licence=LIC_DESNZ,
    )

# --- travel / train: mobitool v3.0 (via pledge4future/co2calculator), rest of world ADEME
MOBITOOL = "mobitool v3.0 (as in pledge4future/co2calculator emission_factors_transport.csv)"
for country, value in (
    ("CH", "0.007"),
    ("FR", "0.0125"),
    ("DE", "0.0408"),
    ("IT", "0.0747"),
    ("AT", "0.0151"),
):
    add(
        f"train.{country}",
        "travel",
        "train",
        country,
        value,
        "kg/pkm",
        "0.3",
        MOBITOOL,
        f"rail {country} average",
        "2023",
        licence=LIC_MOBITOOL,
        notes="life-cycle incl. infrastructure",
    )
add(
    "train.RoW",
    "travel",
    "train",
    "RoW",
    "0.037",
    "kg/pkm",
    "0.5",
    "ADEME Base Carbone international train (via GES 1point5 export 2024-11-07)",
    "train international",
    "2024",
    licence=LIC_ADEME,
    notes="secondary source (low confidence); used when no country factor applies",
)

# --- energy carriers (§4.3, §4.4)
add(
    "energy.electricity",
    "energy",
    "carrier",
    "electricity",
    "0.097",
    "kg/kWh",
    "0.2",
    "BAFU 2025 Swiss consumption mix, as cited by EPFL carbon-report documentation",
    "CH consumption mix (Verbrauchermix) incl. imports, life-cycle",
    "2025",
    mix="consumption-location",
    licence=LIC_CH,
    notes="secondary source; worked example 440 kWh x 0.097 = 42.7 kg",
)
add(
    "energy.district_heating",
    "energy",
    "carrier",
    "district_heating",
    "0.10",
    "kg/kWh",
    "0.5",
    "co2calc project default",
    "",
    "",
    licence=LIC_PROJECT,
    notes=f"{ILLUSTRATIVE}; set a per-building row key district_heating:<building>",
)

# --- fuel combustion: Labos 1point5 defaults (§4.3)
L1P5 = "Labos 1point5 default factors (as listed in the product specification §4.3)"
for key, value, unit in (
    ("natural_gas:kWh", "0.24", "kg/kWh"),
    ("heating_oil:kWh", "0.3243", "kg/kWh"),
    ("biomethane:kWh", "0.0444", "kg/kWh"),
    ("wood_pellets:kg", "0.1108", "kg/kg"),
    ("wood_chips:kg", "0.0503", "kg/kg"),
    ("wood_logs:kg", "0.1138", "kg/kg"),
):
    add(
        f"fuel.{key.replace(':', '.')}",
        "buildings",
        "combustion",
        key,
        value,
        unit,
        "0.1",
        L1P5,
        "stationary combustion",
        "2022",
        licence="Labos 1point5, cite source",
        notes="wood_chips = forest chips" if key.startswith("wood_chips") else "",
    )
add(
    "fuel.heating_oil.L",
    "buildings",
    "combustion",
    "heating_oil:L",
    "3.243",
    "kg/L",
    "0.1",
    L1P5,
    "computed: 0.3243 kg/kWh x 10.0 kWh/L (extra-light heating oil LHV, rounded)",
    "2022",
    licence="Labos 1point5, cite source",
    notes="derived row",
)
add(
    "fuel.natural_gas.m3",
    "buildings",
    "combustion",
    "natural_gas:m3",
    "2.4",
    "kg/m3",
    "0.15",
    L1P5,
    "computed: 0.24 kg/kWh x 10.0 kWh/m3 (natural gas, rounded)",
    "2022",
    licence="Labos 1point5, cite source",
    notes="derived row",
)

# --- room energy intensity kWh/m2 per year and use (§4.3)
INTENSITY = {
    "office": (60, 10, 15, 15),
    "laboratory": (150, 60, 120, 25),
    "archive": (40, 5, 5, 5),
    "library": (60, 10, 20, 20),
    "auditorium": (70, 20, 40, 15),
    "other": (50, 5, 10, 10),
}
for room_type, values in INTENSITY.items():
    for use, v in zip(("heating", "cooling", "ventilation", "lighting"), values, strict=True):
        add(
            f"room.{room_type}.{use}",
            "buildings",
            "intensity",
            f"*:{room_type}:{use}",
            str(v),
            "kWh/m2",
            "0.5",
            "co2calc project default",
            "",
            "",
            licence=LIC_PROJECT,
            notes=f"{ILLUSTRATIVE}; order of magnitude of SIA 2024 room profiles",
        )

# --- construction and renovation kg/m2 per year (§4.3)
for cat, v in (
    ("new_envelope", "5.0"),
    ("new_technical", "3.0"),
    ("renovation_envelope", "1.5"),
    ("renovation_technical", "1.5"),
    ("demolition", "0.3"),
):
    add(
        f"construction.{cat}",
        "buildings",
        "construction",
        f"*:{cat}",
        v,
        "kg/m2/yr",
        "0.5",
        "co2calc project default",
        "",
        "",
        licence=LIC_PROJECT,
        notes=f"{ILLUSTRATIVE}; embodied carbon annualised over SIA 2032 amortisation periods",
    )

# --- purchases: spend-based kg/EUR of 2019 (§4.5)
CODES = (
    ("41100000", "0.35", "laboratory and measuring equipment"),
    ("41120000", "0.45", "laboratory supplies and consumables"),
    ("12000000", "0.85", "chemicals, biochemicals and gases"),
    ("43210000", "0.55", "computer equipment and accessories"),
    ("81110000", "0.12", "IT services"),
    ("80100000", "0.15", "management and consulting services"),
    ("72000000", "0.30", "building and facility maintenance services"),
    ("25100000", "0.40", "motor vehicles"),
    ("44120000", "0.50", "office supplies"),
    ("90100000", "0.60", "catering services"),
    ("99000000", "0.35", "other / unclassified (average)"),
)
for code, v, label in CODES:
    add(
        f"spend.code.{code}",
        "purchases",
        "spend",
        f"code:{code}",
        v,
        "kg/EUR",
        "0.8",
        "co2calc project default (UNSPSC-like institutional code)",
        label,
        "",
        base_year="2019",
        currency="EUR",
        licence=LIC_PROJECT,
        notes=f"{ILLUSTRATIVE}; average of the code's NACRES-level factors in EUR 2019",
    )
NACRES = (
    ("NA01", "0.30", "laboratory glassware (illustrative code)"),
    ("NA02", "0.55", "plastic laboratory consumables (illustrative code)"),
    ("NB01", "1.10", "chemical reagents (illustrative code)"),
    ("NB02", "0.70", "biological reagents, antibodies (illustrative code)"),
    ("NC01", "0.45", "analytical instruments (illustrative code)"),
    ("ND01", "0.60", "laptops and desktops (illustrative code)"),
    ("NE01", "1.50", "compressed and liquefied gases (illustrative code)"),
)
for code, v, label in NACRES:
    add(
        f"spend.nacres.{code}",
        "purchases",
        "spend",
        f"nacres:{code}",
        v,
        "kg/EUR",
        "0.8",
        "co2calc project default in the format of Labos 1point5 NACRES factors",
        label,
        "",
        base_year="2019",
        currency="EUR",
        licence=LIC_PROJECT,
        notes=f"{ILLUSTRATIVE}; code and value are not read from the NACRES table",
    )
add(
    "central.liquid_nitrogen",
    "purchases",
    "centralised",
    "liquid_nitrogen",
    "0.10",
    "kg/kg",
    "0.5",
    "co2calc project default",
    "",
    "",
    licence=LIC_PROJECT,
    notes=f"{ILLUSTRATIVE}; air separation ~0.5-1 kWh/kg at the CH mix plus transport",
)
add(
    "central.liquid_nitrogen.L",
    "purchases",
    "conversion",
    "liquid_nitrogen:L",
    "0.808",
    "kg/L",
    "0.01",
    "physical property: density of liquid nitrogen at 77 K",
    "",
    "",
    licence="physical constant",
)

# --- cloud and AI (§4.6)
add(
    "cloud.default",
    "cloud-ai",
    "cloud",
    "default",
    "0.259",
    "kg/EUR",
    "0.5",
    "EPFL 2023 data-centre study (as cited in the product specification §4.6)",
    "",
    "2023",
    base_year="2023",
    currency="EUR",
    licence="EPFL, cite source",
)
for use, v in (("text", "7.5e-6"), ("code", "1.5e-4"), ("image", "3.0e-4")):
    add(
        f"ai.{use}",
        "cloud-ai",
        "ai",
        use,
        v,
        "kg/request",
        "1.0",
        "EPFL per-request factors derived from EcoLogits (genai-impact) and Luccioni et al. 2024",
        f"{use} generation",
        "2024",
        licence="EPFL, cite source",
        notes="order-of-magnitude values; image 2.9 Wh x 0.097 = 2.8e-4 kg corroborates",
    )

# --- GWP100 (§4.7): both sets shipped, the factor set's gwp_set selects
OCD = (
    "openclimatedata/globalwarmingpotentials (AR5 column = GHG Protocol GWP values Feb 2016 "
    "= AR5 WG1 Table 8.A.1)"
)
AR6 = "IPCC AR6 WG1 Ch7 Table 7.SM.7 (chrisroadmap/ar6 metrics_supplement_cleaned.csv)"
AR5_VALUES = (
    ("CO2", "1", "IPCC definition"),
    ("CH4", "28", OCD),
    ("CH4_fossil", "30", "GHG Protocol GWP table (AR5 Table 8.A.1 footnote), secondary"),
    ("N2O", "265", OCD),
    ("SF6", "23500", OCD),
    ("NF3", "16100", OCD),
    ("R134a", "1300", OCD),
    ("R32", "677", OCD),
    ("R125", "3170", OCD),
    ("R143a", "4800", OCD),
    ("R23", "12400", OCD),
    ("R22", "1760", OCD),
    ("R404A", "3942.8", "computed from AR5 components (ASHRAE 34 blend)"),
    ("R407C", "1624.2", "computed from AR5 components (ASHRAE 34 blend)"),
    ("R410A", "1924", "DEFRA 2024 rounding of 1923.5 computed from AR5 components (spec §4.7)"),
    ("R507A", "3985.0", "computed from AR5 components (ASHRAE 34 blend)"),
)
AR6_VALUES = (
    ("CO2", "1", AR6),
    ("CH4", "27.9", AR6),
    ("CH4_fossil", "29.8", "IPCC AR6 WG1 Table 7.15 (secondary sources)"),
    ("CH4_non_fossil", "27.0", "IPCC AR6 WG1 Table 7.15 (secondary sources)"),
    ("N2O", "273", AR6),
    ("SF6", "25200", AR6),
    ("NF3", "17400", AR6),
    ("R134a", "1530", AR6),
    ("R32", "771", AR6),
    ("R125", "3740", AR6),
    ("R143a", "5810", AR6),
    ("R23", "14600", AR6),
    ("R22", "1960", AR6),
    ("R290", "0.02", AR6),
    ("R404A", "4728.0", "computed from AR6 components (ASHRAE 34 blend)"),
    ("R407C", "1907.9", "computed from AR6 components (ASHRAE 34 blend)"),
    ("R410A", "2255.5", "computed from AR6 components (ASHRAE 34 blend)"),
    ("R507A", "4775.0", "computed from AR6 components (ASHRAE 34 blend)"),
)
for gset, values, year in (("AR5", AR5_VALUES, "2013"), ("AR6", AR6_VALUES, "2021")):
    for gas, v, src in values:
        add(
            f"gwp.{gset}.{gas}",
            "process-emissions",
            "gwp",
            f"{gset}:{gas}",
            v,
            "kg/kg",
            "0",
            src,
            "GWP100",
            year,
            gwp=gset,
            licence=LIC_IPCC,
            notes="GWP treated as an accounting convention (no uncertainty)",
        )

# --- per-FTE additional categories (§4.9)
for cat, pop, act, act_unit, fac, fac_unit in (
    ("commuting", "staff", "4000", "pkm/FTE", "0.06", "kg/pkm"),
    ("commuting", "students", "2500", "pkm/FTE", "0.04", "kg/pkm"),
    ("food", "staff", "200", "meal/FTE", "2.5", "kg/meal"),
    ("food", "students", "150", "meal/FTE", "2.5", "kg/meal"),
    ("waste", "staff", "100", "kg/FTE", "0.5", "kg/kg"),
    ("waste", "students", "50", "kg/FTE", "0.5", "kg/kg"),
):
    add(
        f"additional.{cat}.{pop}.activity",
        "headcount",
        "additional",
        f"{cat}:{pop}:activity",
        act,
        act_unit,
        "0.5",
        "co2calc project default (campus survey average expected)",
        "",
        "",
        licence=LIC_PROJECT,
        notes=ILLUSTRATIVE,
    )
    add(
        f"additional.{cat}.{pop}.factor",
        "headcount",
        "additional",
        f"{cat}:{pop}:factor",
        fac,
        fac_unit,
        "0.4",
        "co2calc project default",
        "",
        "",
        licence=LIC_PROJECT,
        notes=ILLUSTRATIVE,
    )


def render(year: int) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    # validate through the real loader and normalise through the real writer
    return factor_set_to_csv(load_factor_csv(text, version=YEARS[year], year=year, gwp_set=GWP_SET))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args()
    files = {f"factors-{y}.csv": render(y) for y in YEARS}
    manifest = (
        json.dumps(
            {
                "sets": {
                    str(y): {"version": v, "file": f"factors-{y}.csv", "gwp_set": GWP_SET}
                    for y, v in YEARS.items()
                }
            },
            indent=2,
        )
        + "\n"
    )
    files["manifest.json"] = manifest
    stale = [
        n for n, t in files.items() if not (OUT / n).exists() or (OUT / n).read_text("utf-8") != t
    ]
    if args.check:
        print("stale: " + ", ".join(stale) if stale else "factor sets up to date")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, "utf-8")
    print(f"wrote {len(rows)} factors per year to {OUT.relative_to(ROOT)} ({', '.join(files)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
