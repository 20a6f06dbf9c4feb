"""years: the year lifecycle."""

import functions_framework

from co2calc.api.years import router
from co2calc.http import Api

api = Api("years", "/api/years", router)


@functions_framework.http
def years_http(request):
    return api(request)
