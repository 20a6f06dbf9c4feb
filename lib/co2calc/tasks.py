"""Scheduled and event-driven tasks, called by the CloudEvent functions."""

from __future__ import annotations

from co2calc.db import maintenance as sql
from co2calc.db import transaction
from co2calc.directory import SyncReport, sync
from co2calc.directory.providers import provider_from_settings
from co2calc.obs import log_event

__all__ = ["run_directory_sync", "run_maintenance"]


def run_directory_sync() -> SyncReport:
    """Fetch the directory and apply it; a failing directory raises and changes nothing."""
    snapshot = provider_from_settings().fetch()
    report = sync(snapshot)
    log_event(
        "directory synced",
        units=report.units,
        people=report.people,
        roles=report.roles,
        roles_removed=report.roles_removed,
    )
    return report


def run_maintenance() -> dict[str, int]:
    """Expire sessions and login flows."""
    with transaction(all_units=True) as conn:
        done = sql.expire(conn)
    log_event("maintenance", **done)
    return done
