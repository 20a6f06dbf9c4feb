"""years: the year lifecycle."""

import functions_framework

from co2calc.api.years import api


@functions_framework.http
def years_http(request):
    return api(request)
