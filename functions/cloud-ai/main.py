"""cloud-ai: the module's data entries (list, create, edit, delete, explain)."""

import functions_framework

from co2calc.api.cloud_ai import api


@functions_framework.http
def cloud_ai_http(request):
    return api(request)
