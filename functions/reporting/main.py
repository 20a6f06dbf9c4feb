"""reporting: cross-unit reporting for affiliation officers and administrators."""

import functions_framework

from co2calc.api.reporting import api


@functions_framework.http
def reporting_http(request):
    return api(request)
