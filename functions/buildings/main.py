"""buildings: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.buildings import api


@functions_framework.http
def buildings_http(request):
    return api(request)
