"""units: the units, org tree and roles visible to the caller."""

import functions_framework

from co2calc.api.units import router
from co2calc.http import Api

api = Api("units", "/api/units", router)


@functions_framework.http
def units_http(request):
    return api(request)
