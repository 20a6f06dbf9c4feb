"""research-facilities function: CRUD of the module's data entries (see co2calc.entries)."""

from __future__ import annotations

from co2calc.entries.router import build_router
from co2calc.http import Api

__all__ = ["api", "router"]

router = build_router("research-facilities")

api = Api("research-facilities", "/api/research-facilities", router)
