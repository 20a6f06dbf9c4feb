"""One ``Api`` per HTTP function: werkzeug routing, pydantic in and out,
problem+json errors, request ids, CSRF, JSON access logs, ``/healthz``.

A function's ``main.py`` only does::

    api = Api("units", "/api/units", router)

    @functions_framework.http
    def units_http(request):
        return api(request)
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from werkzeug.exceptions import MethodNotAllowed as WzMethodNotAllowed
from werkzeug.exceptions import NotFound as WzNotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from co2calc.http.context import RequestContext
from co2calc.http.errors import (
    BadRequest,
    CsrfFailed,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServiceError,
    Unauthorized,
    ValidationFailed,
)
from co2calc.http.router import Route, Router
from co2calc.obs import log_event, new_request_id

__all__ = ["Api", "Authenticator", "json_response", "problem_response"]

PROBLEM_JSON = "application/problem+json"
CSRF_HEADER = "X-CSRF-Token"
MAX_JSON_BODY = 1_000_000
MAX_ID = 2**31 - 1  # integer path parameters (ids, years) beyond this name nothing
UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE"})

Authenticator = Callable[[Request], Any]  # returns a Principal or None


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, default=str, separators=(",", ":")),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def problem_response(err: ServiceError, instance: str | None = None) -> Response:
    return Response(
        json.dumps(err.to_problem(instance), default=str),
        status=err.status,
        content_type=PROBLEM_JSON,
        headers=err.headers,
    )


def validation_errors(exc: PydanticValidationError, prefix: tuple[str, ...] = ()) -> list[dict]:
    """Field errors by location and type; never echoes the offending input."""
    out = []
    for e in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = [*prefix, *(str(p) for p in e["loc"])]
        out.append(
            {
                "loc": loc,
                "field": ".".join(loc[len(prefix) :]),
                "type": e["type"],
                "message": e["msg"],
            }
        )
    return out


def nul_errors(value: Any, loc: list[str | int]) -> list[dict]:
    """Field errors for every string holding a NUL character (PostgreSQL text cannot)."""
    if isinstance(value, str):
        if "\x00" not in value:
            return []
        field = ".".join(str(p) for p in loc[1:])
        message = "NUL characters are not allowed in text."
        return [{"loc": loc, "field": field, "type": "string_nul", "message": message}]
    if not isinstance(value, dict | list):
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    return [e for k, v in items for e in nul_errors(v, [*loc, k])]


def _default_authenticator(request: Request) -> Any:
    from co2calc.auth.sessions import principal_from_request  # lazy: keeps cold start small

    return principal_from_request(request)


class Api:
    def __init__(
        self, name: str, prefix: str, *routers: Router, authenticator: Authenticator | None = None
    ) -> None:
        self.name = name
        self.prefix = prefix.rstrip("/")
        self.routes: list[Route] = [r for router in routers for r in router.routes]
        self.authenticate = authenticator or _default_authenticator
        self._adapters: dict[int, TypeAdapter] = {}
        rules = [
            Rule(
                self.prefix + r.path if r.path != "/" else self.prefix or "/",
                methods=[r.method],
                endpoint=i,
            )
            for i, r in enumerate(self.routes)
        ]
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    # -- WSGI-ish entry -------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-Id") or new_request_id()
        if len(request_id) > 64 or not request_id.replace("-", "").isalnum():
            request_id = new_request_id()
        ctx = RequestContext(request=request, request_id=request_id, function=self.name)
        try:
            response = self._dispatch(ctx)
        except ServiceError as err:
            response = problem_response(err, instance=request.path)
        except Exception:
            log_event(
                "unhandled error",
                logging.ERROR,
                exc_info=True,
                request_id=request_id,
                function=self.name,
                path=request.path,
            )
            response = problem_response(
                ServiceError("An unexpected error occurred."), instance=request.path
            )
        response.headers["X-Request-Id"] = request_id
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        for name, value, max_age in ctx.cookies:
            _set_cookie(response, name, value, max_age)
        if not request.path.endswith("/healthz"):
            log_event(
                "request",
                request_id=request_id,
                function=self.name,
                method=request.method,
                path=request.path,
                status=response.status_code,
                latency_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=getattr(ctx.principal, "user_id", None),
            )
        return response

    def _dispatch(self, ctx: RequestContext) -> Response:
        request = ctx.request
        if request.path == "/healthz" or request.path.endswith("/healthz"):
            return json_response({"status": "ok", "function": self.name})
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            index, params = adapter.match(request.path, method=request.method)
        except WzMethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or []))
            raise MethodNotAllowed(
                f"{request.method} is not allowed here; use {allowed}.", headers={"Allow": allowed}
            ) from None
        except WzNotFound:
            raise NotFound(f"No resource at {request.path}.") from None
        route = self.routes[index]
        ctx.files = route.files
        if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in params.values()):
            raise NotFound(f"No resource at {request.path}.")

        ctx.principal = self.authenticate(request)
        if route.access == "user" and ctx.principal is None:
            raise Unauthorized("Sign in to use this resource.")
        if route.method in UNSAFE_METHODS and route.csrf and ctx.principal is not None:
            sent = request.headers.get(CSRF_HEADER, "")
            expected = getattr(ctx.principal, "csrf_token", None) or ""
            if not sent or not expected or not hmac.compare_digest(sent, expected):
                raise CsrfFailed(f"Send the session's CSRF token in the {CSRF_HEADER} header.")

        kwargs: dict[str, Any] = dict(params)
        if route.query is not None:
            kwargs["query"] = self._parse_query(route.query, request)
        if route.body is not None:
            kwargs["body"] = self._parse_body(route.body, request)
        result = route.endpoint(ctx, **kwargs)
        if isinstance(result, Response):
            return result
        if result is None and route.status == 204:
            return Response(status=204)
        return Response(self._dump(route, result), status=route.status, mimetype="application/json")

    # -- parsing ------------------------------------------------------------------
    @staticmethod
    def _parse_query(model: type[BaseModel], request: Request) -> BaseModel:
        data: dict[str, Any] = {}
        for key in request.args:
            values = request.args.getlist(key)
            data[key] = values if len(values) > 1 else values[0]
        if errors := nul_errors(data, ["query"]):
            raise ValidationFailed("Invalid query parameters.", errors=errors)
        try:
            return model.model_validate(data)
        except PydanticValidationError as exc:
            raise ValidationFailed(
                "Invalid query parameters.", errors=validation_errors(exc, ("query",))
            ) from None

    @staticmethod
    def _parse_body(model: type[BaseModel], request: Request) -> BaseModel:
        if request.content_length and request.content_length > MAX_JSON_BODY:
            raise PayloadTooLarge(f"JSON bodies are limited to {MAX_JSON_BODY} bytes.")
        if request.mimetype != "application/json":
            raise BadRequest("Send the body as application/json.")
        raw = request.get_data(cache=False)
        if len(raw) > MAX_JSON_BODY:
            raise PayloadTooLarge(f"JSON bodies are limited to {MAX_JSON_BODY} bytes.")
        if b"\\u0000" in raw:  # an escaped NUL: find where, for the field error
            try:
                errors = nul_errors(json.loads(raw), ["body"])
            except ValueError:
                raise BadRequest("The body is not valid JSON.") from None
            if errors:
                raise ValidationFailed("Some fields are invalid.", errors=errors)
        try:
            return model.model_validate_json(raw or b"{}")
        except PydanticValidationError as exc:
            errors = validation_errors(exc, ("body",))
            if any(e["type"] == "json_invalid" for e in errors):
                raise BadRequest("The body is not valid JSON.") from None
            raise ValidationFailed("Some fields are invalid.", errors=errors) from None

    def _dump(self, route: Route, result: Any) -> bytes:
        if isinstance(result, BaseModel):
            return result.__pydantic_serializer__.to_json(result)
        key = id(route)
        adapter = self._adapters.get(key)
        if adapter is None:
            adapter = self._adapters[key] = TypeAdapter(route.response or Any)
        return adapter.dump_json(result)

    def routes_table(self) -> Sequence[Route]:
        return tuple(self.routes)


def _set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    from co2calc.settings import get_settings

    secure = get_settings().cookie_secure
    if max_age is None:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
    else:
        response.set_cookie(
            name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="Lax"
        )
