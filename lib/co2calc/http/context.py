"""The per-request context, passed explicitly to every route (never global)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from co2calc.http.errors import Unauthorized

if TYPE_CHECKING:
    from co2calc.auth.policy import Principal

__all__ = ["RequestContext"]


@dataclass
class RequestContext:
    request: Request
    request_id: str
    function: str
    principal: Principal | None = None
    # cookies to set on the response: (name, value, max_age or None to delete)
    cookies: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def user(self) -> Principal:
        """The signed-in principal; routes with access='user' always have one."""
        if self.principal is None:
            raise Unauthorized("Sign in to use this resource.")
        return self.principal
