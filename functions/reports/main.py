"""reports: unit-year reports, module validation, sign-off."""

import functions_framework

from co2calc.api.reports import api


@functions_framework.http
def reports_http(request):
    return api(request)
