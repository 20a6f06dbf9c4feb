"""audit: the audit log for administrators."""

import functions_framework

from co2calc.api.audit import api


@functions_framework.http
def audit_http(request):
    return api(request)
