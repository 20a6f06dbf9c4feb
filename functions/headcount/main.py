"""headcount: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.headcount import api


@functions_framework.http
def headcount_http(request):
    return api(request)
