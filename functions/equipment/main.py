"""equipment: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.equipment import api


@functions_framework.http
def equipment_http(request):
    return api(request)
