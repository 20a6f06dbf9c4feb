"""auth: sign-in, the current session, sign-out."""

import functions_framework

from co2calc.api.auth import api


@functions_framework.http
def auth_http(request):
    return api(request)
