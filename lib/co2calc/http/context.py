"""The per-request context, passed explicitly to every route (never global)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from co2calc.http.errors import BadRequest, PayloadTooLarge, Unauthorized, UnsupportedMediaType

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
    # media types of the route's raw file body (``Route.files``), set by the dispatcher
    files: tuple[str, ...] = ()

    @property
    def user(self) -> Principal:
        """The signed-in principal; routes with access='user' always have one."""
        if self.principal is None:
            raise Unauthorized("Sign in to use this resource.")
        return self.principal

    def file_body(self, max_bytes: int) -> tuple[str, bytes]:
        """(media type, bytes) of a route's raw file body (declared with ``files=``).

        Called by the endpoint after it has authorised the caller, so a refused
        caller's upload is never read. 415 for a type the route does not declare,
        413 above ``max_bytes``, 400 for an empty body.
        """
        request = self.request
        if request.mimetype not in self.files:
            raise UnsupportedMediaType(
                f"Send the file as {' or '.join(self.files)} (got {request.mimetype!r})."
            )
        limit = f"Files are limited to {max_bytes // (1024 * 1024)} MB."
        if request.content_length and request.content_length > max_bytes:
            raise PayloadTooLarge(limit)
        data = request.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise PayloadTooLarge(limit)
        if not data.strip():
            raise BadRequest("The file is empty.")
        return request.mimetype, data
