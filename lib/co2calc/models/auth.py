"""The signed-in session as the SPA sees it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["Permissions", "SessionInfo", "SessionRole", "SessionUser"]


class SessionUser(BaseModel):
    id: str
    display_name: str
    email: str | None


class SessionRole(BaseModel):
    role: Literal["standard", "principal", "affiliation", "admin"]
    unit_id: int | None
    unit_code: str | None


class Permissions(BaseModel):
    admin: bool
    units: list[int]  # every unit whose results the user may see
    manage: list[int]  # units the user may edit, upload to, validate and sign off
    reporting: bool  # cross-unit reporting (affiliation officers, admins)


class SessionInfo(BaseModel):
    user: SessionUser
    roles: list[SessionRole]
    permissions: Permissions
    csrf_token: str
