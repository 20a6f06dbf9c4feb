"""travel: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.travel import api


@functions_framework.http
def travel_http(request):
    return api(request)
