"""headcount function: CRUD of the module's data entries (generic core, see co2calc.entries)."""

from __future__ import annotations

from co2calc.entries.router import build_router
from co2calc.http import Api

__all__ = ["api", "router"]

router = build_router("headcount")

api = Api("headcount", "/api/headcount", router)
