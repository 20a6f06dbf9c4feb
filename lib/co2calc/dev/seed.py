"""Demo data for ``make run``, written through the same code paths users use."""

from __future__ import annotations

from datetime import date

from co2calc.db import transaction
from co2calc.db import years as years_sql
from co2calc.modules import MODULES
from co2calc.tasks import run_directory_sync

__all__ = ["seed_demo"]


def seed_demo() -> dict[str, int]:
    """Sync the demo directory and create the previous and current reporting years."""
    report = run_directory_sync()
    this_year = date.today().year
    created = 0
    with transaction(all_units=True) as conn:
        for year in (this_year - 2, this_year - 1):
            created += years_sql.create_year(conn, year, None, MODULES)
    return {"units": report.units, "people": report.people, "years_created": created}
