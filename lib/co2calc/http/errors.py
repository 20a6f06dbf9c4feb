"""The service error hierarchy, translated to problem+json once, at the edge.

    ServiceError                    (500, generic)
    ├── BadRequest                  400
    │   └── ValidationFailed        422, with per-field errors
    ├── Unauthorized                401 (no or expired session)
    ├── Forbidden                   403
    │   └── CsrfFailed              403 (missing or wrong CSRF token)
    ├── NotFound                    404
    ├── MethodNotAllowed            405
    ├── Conflict                    409
    └── PayloadTooLarge             413

Routes raise these; ``co2calc.http.api.Api`` turns them into RFC 9457
responses. ``type`` is a stable URI per error class, ``detail`` is for humans.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "BadRequest",
    "Conflict",
    "CsrfFailed",
    "FieldError",
    "Forbidden",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "ServiceError",
    "Unauthorized",
    "ValidationFailed",
]

TYPE_BASE = "https://co2calc.org/problems/"

FieldError = dict[str, Any]  # {"loc": [...], "field": "a.b", "message": str, "type": str}


class ServiceError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or []
        self.headers = headers or {}  # response headers, e.g. Allow on 405
        self.extra = extra

    @property
    def type(self) -> str:
        return TYPE_BASE + self.slug

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(ServiceError):
    status, slug, title = 400, "bad-request", "Bad request"


class ValidationFailed(BadRequest):
    status, slug, title = 422, "validation", "Invalid input"


class Unauthorized(ServiceError):
    status, slug, title = 401, "unauthenticated", "Sign-in required"


class Forbidden(ServiceError):
    status, slug, title = 403, "forbidden", "Not allowed"


class CsrfFailed(Forbidden):
    slug, title = "csrf", "Missing or invalid CSRF token"


class NotFound(ServiceError):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(ServiceError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(ServiceError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(ServiceError):
    status, slug, title = 413, "too-large", "Payload too large"


class UnsupportedMediaType(ServiceError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"
