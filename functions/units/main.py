"""units: the units, org tree and roles visible to the caller."""

import functions_framework

from co2calc.api.units import api


@functions_framework.http
def units_http(request):
    return api(request)
