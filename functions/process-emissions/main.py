"""process-emissions: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.process_emissions import api


@functions_framework.http
def process_emissions_http(request):
    return api(request)
