"""Routes declared in routers, merged into one ``Api`` per function.

A route is a plain function ``fn(ctx, *, <path params>, body=..., query=...)``
registered with its method, werkzeug rule, pydantic models and access level.
The same declarations feed the werkzeug URL map, the OpenAPI document and the
authorisation-matrix tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

__all__ = ["Access", "Route", "Router"]

Access = Literal["public", "user"]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # werkzeug rule relative to the function's prefix, e.g. "/<int:unit_id>"
    endpoint: Callable[..., Any]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None  # a pydantic model / type for the 2xx body, or None
    status: int = 200
    access: Access = "user"
    csrf: bool = True  # state-changing routes check the CSRF header unless False
    summary: str = ""
    tags: tuple[str, ...] = ()
    extra_responses: dict[int, str] = field(default_factory=dict)
    # content types of a raw (file) request body the endpoint reads itself
    files: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.endpoint.__name__


class Router:
    def __init__(self, *, tags: tuple[str, ...] = ()) -> None:
        self.routes: list[Route] = []
        self.tags = tags

    def route(self, method: str, path: str, **options: Any) -> Callable[[Callable], Callable]:
        def register(fn: Callable) -> Callable:
            summary = options.pop("summary", None) or (fn.__doc__ or "").strip().split("\n")[0]
            tags = options.pop("tags", self.tags)
            self.routes.append(
                Route(method.upper(), path, fn, summary=summary, tags=tags, **options)
            )
            return fn

        return register

    def get(self, path: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("PUT", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("DELETE", path, **options)

    def include(self, other: Router, prefix: str = "") -> None:
        for r in other.routes:
            self.routes.append(
                Route(
                    r.method,
                    prefix + r.path,
                    r.endpoint,
                    r.body,
                    r.query,
                    r.response,
                    r.status,
                    r.access,
                    r.csrf,
                    r.summary,
                    r.tags,
                    r.extra_responses,
                )
            )
