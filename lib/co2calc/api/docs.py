"""docs function: the OpenAPI 3.1 document of the whole API and a browsable page."""

from __future__ import annotations

from werkzeug.wrappers import Response

from co2calc.http import Api, RequestContext, Router
from co2calc.http.openapi import build_openapi, docs_html

__all__ = ["api", "router"]

router = Router(tags=("docs",))


@router.get("/openapi.json", access="public", response=dict)
def openapi_document(ctx: RequestContext) -> dict:
    """The OpenAPI 3.1 document."""
    return build_openapi()


@router.get("/docs", access="public", extra_responses={200: "HTML"})
def api_docs(ctx: RequestContext) -> Response:
    """The API documentation as a web page."""
    return Response(docs_html(), mimetype="text/html")


api = Api("docs", "/api", router, authenticator=lambda request: None)
