"""research-facilities: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.research_facilities import api


@functions_framework.http
def research_facilities_http(request):
    return api(request)
