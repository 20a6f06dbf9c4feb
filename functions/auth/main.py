"""auth: sign-in, the current session, sign-out."""

import functions_framework

from co2calc.api.auth import router
from co2calc.http import Api

api = Api("auth", "/api/auth", router)


@functions_framework.http
def auth_http(request):
    return api(request)
