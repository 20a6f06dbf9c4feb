"""uploads: presigned upload grants, templates, import job status and error reports."""

import functions_framework

from co2calc.api.uploads import api


@functions_framework.http
def uploads_http(request):
    return api(request)
