"""Demo data for ``make run``, written through the same code paths users use.

``seed_demo()`` syncs the demo directory, creates the previous and the current
reporting year (open for data entry), loads a small room list and two shared
research facilities, and fills a handful of demo units with realistic entries
in every module through ``co2calc.entries.service.create_entry`` — the function
behind the module APIs (validation, inline computation, flags, audit). The
older year carries about 8 % more activity, so year-over-year comparisons,
trajectories and explanations have something to show on first start.

Seeding is idempotent: a unit-year that already has seeded entries is left alone.
With ``issuer`` (the OIDC test issuer's URL), the demo people's accounts are
provisioned in advance, so travel and cloud rows can belong to them (the
own-scope rule) before they first sign in.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from co2calc.auth.policy import OWN_SCOPE_MODULES
from co2calc.db import transaction
from co2calc.db import years as years_sql
from co2calc.demo import DEMO_USERS
from co2calc.modules import MODULES
from co2calc.tasks import run_directory_sync

__all__ = ["DEMO_UNITS", "demo_entries", "seed_demo"]

# unit code → size (≈ FTE / 10): the labs of the demo principal, of the "other"
# principal, and two neighbours in the same institutes
DEMO_UNITS = {
    "ENAC-CLIM-LAB1": 1.0,
    "ENAC-CLIM-LAB2": 0.6,
    "SB-ENER-LAB1": 1.4,
    "SB-ENER-LAB2": 0.8,
}
BUILDING = "DEMO-GC"
ROOMS = [
    {
        "building": BUILDING,
        "room": f"A{n}",
        "surface_m2": Decimal(s),
        "room_type": t,
        "heating_carrier": "district_heating",
    }
    for n, s, t in (
        (1, 24, "office"),
        (2, 24, "office"),
        (3, 60, "laboratory"),
        (4, 80, "laboratory"),
        (5, 40, "archive"),
    )
]
FACILITIES = [
    {
        "name": "Demo microscopy platform",
        "unit_id": None,
        "use_unit": "hours",
        "total_use": Decimal(4000),
        "footprint_kg": {"energy": Decimal(38000), "purchases": Decimal(22000)},
        "uncertainty": 0.3,
    },
    {
        "name": "Demo animal facility",
        "unit_id": None,
        "use_unit": "animal_housings",
        "total_use": Decimal(1200),
        "footprint_kg": {"energy": Decimal(90000), "food_and_bedding": Decimal(25000)},
        "uncertainty": 0.3,
    },
]
_FLIGHTS = [  # origin, destination, cabin, round trip
    ("GVA", "LHR", "economy", True),
    ("GVA", "BCN", "economy", True),
    ("ZRH", "JFK", "economy", True),
    ("GVA", "BER", "economy", True),
    ("ZRH", "SFO", "business", True),
    ("GVA", "CDG", "economy", False),
    ("ZRH", "NRT", "economy", True),
    ("GVA", "LIS", "economy", True),
]
_TRAINS = [
    ("Lausanne", "CH", "Zürich HB", "CH"),
    ("Lausanne", "CH", "Paris Gare de Lyon", "FR"),
    ("Lausanne", "CH", "Bern", "CH"),
]
_STAFF = [
    ("51", 1.0),
    ("53", 1.0),
    ("53", 0.8),
    ("54", 1.0),
    ("54", 1.0),
    ("54", 1.0),
    ("57", 0.5),
    ("58", 0.8),
]


def _round(x: float, step: float = 1.0) -> str:
    return str(Decimal(str(round(x / step) * step)))


def demo_entries(
    code: str, size: float, year: int, older: bool, travellers: list[str]
) -> list[tuple[str, str, dict[str, Any], str | None]]:
    """(module, submodule, data, note) of one demo unit-year; deterministic per unit and year."""
    rnd = random.Random(f"{code}:{year}")
    k = size * (1.08 if older else 1.0)
    out: list[tuple[str, str, dict[str, Any], str | None]] = []

    def add(module: str, submodule: str, note: str | None = None, **data: Any) -> None:
        out.append((module, submodule, data, note))

    people = max(3, round(8 * size))
    for i in range(people):
        cat, fte = _STAFF[i % len(_STAFF)]
        pid = travellers[i] if i < len(travellers) else f"{code}-P{i + 1:02d}"
        add(
            "headcount",
            "members",
            name=f"Person {i + 1} ({code})",
            staff_category=cat,
            person_id=pid,
            fte=str(fte),
        )
    add("headcount", "students", "Master students", fte=_round(6 * size, 0.5))
    for i in range(max(4, round(10 * k))):
        o, d, cabin, rt = _FLIGHTS[rnd.randrange(len(_FLIGHTS))]
        add(
            "travel",
            "plane",
            "conference" if i % 3 == 0 else None,
            origin=o,
            destination=d,
            cabin_class=cabin,
            round_trip=rt,
            trips=1 + (rnd.random() < 0.2),
            traveller_id=travellers[i % len(travellers)],
            date=f"{year}-{1 + i % 12:02d}-15",
        )
    for i in range(max(3, round(6 * k))):
        a, ac, b, bc = _TRAINS[i % len(_TRAINS)]
        add(
            "travel",
            "train",
            origin_name=a,
            origin_country=ac,
            destination_name=b,
            destination_country=bc,
            round_trip=True,
            trips=1 + i % 2,
            traveller_id=travellers[i % len(travellers)],
        )
    for room, share in (("A1", 1), ("A2", 0.5), ("A3", 0.5 * size), ("A4", 0.25)):
        add("buildings", "rooms", building=BUILDING, room=room, share=_round(min(share, 1), 0.05))
    add(
        "buildings",
        "combustion",
        "gas burner of the test hall",
        fuel="natural_gas",
        unit="kWh",
        quantity=_round(12000 * k, 100),
    )
    for cls, per_person in (("Desktop", 0.6), ("Laptop", 0.9), ("Monitors", 1.0), ("Servers", 0.1)):
        for n in range(max(1, round(per_person * people))):
            add(
                "equipment",
                "it",
                inventory_id=f"{code}-{cls[:3].upper()}-{n + 1}",
                name=cls,
                cls=cls,
                active_hours_week=45,
                standby_hours_week=123,
            )
    scientific = [
        ("Centrifugation", "Large bench top centrifuges", 10, 40),
        ("Lab Freezer / Frigde", "Recent -80C freezers (<12yo)", 168, 0),
        ("Optical microscopes", "FL microscopes", 15, 30),
    ]
    for n, (cls, sub, active, standby) in enumerate(scientific):
        add(
            "equipment",
            "scientific",
            inventory_id=f"{code}-SCI-{n + 1}",
            name=sub,
            cls=cls,
            subclass=sub,
            active_hours_week=active,
            standby_hours_week=standby,
        )
    purchases = [
        ("consumables", "Pipette tips", "41100000", "NB01", 4200),
        ("consumables", "Gloves and lab coats", "41100000", "NA01", 1800),
        ("it-equipment", "Workstations", "43210000", None, 9500),
        ("services", "Sequencing service", "81110000", None, 6000),
        ("scientific-equipment", "Spectrometer", "41120000", None, 28000),
        ("other", "Unclassified invoice", "00000000", None, 900),  # flagged: unknown code
    ]
    for sub, item, purchase_code, nacres, chf in purchases:
        extra = {"nacres_code": nacres} if nacres else {}
        amount = _round(chf * k * (0.8 + 0.4 * rnd.random()), 10)
        add(
            "purchases",
            sub,
            item=item,
            supplier="Demo Supplies AG",
            quantity=1,
            amount=amount,
            currency="CHF",
            purchase_code=purchase_code,
            **extra,
        )
    add("purchases", "centralised", item="liquid_nitrogen", quantity=_round(800 * k, 10), unit="L")
    add(
        "cloud-ai",
        "cloud",
        provider="Demo Cloud",
        service_type="compute",
        amount=_round(3000 * k, 10),
        currency="EUR",
    )
    add(
        "cloud-ai",
        "ai",
        provider="Demo LLM",
        use="text",
        user_fte=_round(4 * size, 0.5),
        requests_band="5-20",
    )
    add("process-emissions", "gas", "chiller refill", gas="R410A", kg_emitted=_round(2 * k, 0.1))
    add("process-emissions", "gas", gas="CO2", kg_emitted=_round(40 * k))
    add(
        "research-facilities",
        "common",
        facility="Demo microscopy platform",
        use=_round(150 * k),
        use_unit="hours",
    )
    if code.startswith("SB"):
        add(
            "research-facilities",
            "animal",
            facility="Demo animal facility",
            use=_round(30 * k),
            use_unit="animal_housings",
        )
    return out


def _provision_accounts(conn, issuer: str) -> dict[str, int]:
    """person id → app_user id of the demo people, keyed as the issuer will sign them in.

    A person who already has an account (signed in before) keeps it.
    """
    from co2calc.db import entries as entries_sql
    from co2calc.db import sessions as sessions_sql

    return {
        u.person_id: entries_sql.user_by_person_id(conn, u.person_id)
        or sessions_sql.upsert_user(
            conn, issuer, u.login, u.display_name, u.login, u.person_id, login_at=None
        )
        for u in DEMO_USERS
    }


def seed_demo(issuer: str | None = None, *, sync_directory: bool = True) -> dict[str, int]:
    """Sync the demo directory (from the configured provider), create two open years
    and fill the demo units. Without ``sync_directory`` the directory must be there."""
    from co2calc.db import entries as entries_sql
    from co2calc.db import factors as factors_sql
    from co2calc.db import reports as reports_sql
    from co2calc.db import units as units_sql
    from co2calc.entries import service

    report = run_directory_sync() if sync_directory else None
    this_year = date.today().year
    years = (this_year - 2, this_year - 1)
    created = entries = 0
    with transaction(all_units=True) as conn:
        accounts = _provision_accounts(conn, issuer) if issuer else {}
        for year in years:
            created += years_sql.create_year(conn, year, None, MODULES)
            years_sql.set_status(conn, year, "open")
        factors_sql.upsert_rooms(conn, ROOMS)
        for year in years:
            factors_sql.upsert_facilities(conn, year, FACILITIES)
        unit_ids = units_sql.unit_ids_by_code(conn, DEMO_UNITS)
    by_unit = {u.unit: u for u in DEMO_USERS if u.unit}
    for code, size in DEMO_UNITS.items():
        people = [u.person_id for u in DEMO_USERS if u.unit == code]
        travellers = people or [f"{code}-P01", f"{code}-P02"]
        for year in years:
            with transaction(all_units=True) as conn:
                unit_id = unit_ids.get(code)
                unit_report = entries_sql.report_for(conn, unit_id, year) if unit_id else None
                if unit_report is None or reports_sql.entry_count(conn, unit_report["id"], "seed"):
                    continue
                actor = accounts.get(by_unit[code].person_id) if code in by_unit else None
                for module, submodule, data, note in demo_entries(
                    code, size, year, year == years[0], travellers
                ):
                    owner = None
                    if module in OWN_SCOPE_MODULES:  # the traveller's (or first person's) row
                        owner = accounts.get(data.get("traveller_id", travellers[0]))
                    service.create_entry(
                        conn,
                        report=unit_report,
                        module=module,
                        submodule=submodule,
                        data=data,
                        actor_id=actor,
                        note=note,
                        owner_user_id=owner,
                        source="seed",
                    )
                    entries += 1
    return {
        "units": report.units if report else 0,
        "people": report.people if report else 0,
        "years_created": created,
        "entries": entries,
    }
