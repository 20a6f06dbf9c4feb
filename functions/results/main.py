"""results: unit results, years side by side, change, trajectory, exports."""

import functions_framework

from co2calc.api.results import api


@functions_framework.http
def results_http(request):
    return api(request)
