"""purchases: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.purchases import api


@functions_framework.http
def purchases_http(request):
    return api(request)
