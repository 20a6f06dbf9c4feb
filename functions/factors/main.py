"""factors: factor sets (browse, load, export) and reference data (airports, stations, rooms…)."""

import functions_framework

from co2calc.api.factors import api


@functions_framework.http
def factors_http(request):
    return api(request)
