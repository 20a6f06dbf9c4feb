"""docs: /api/openapi.json and /api/docs."""

import functions_framework

from co2calc.api.docs import api


@functions_framework.http
def docs_http(request):
    return api(request)
