"""s3-notify: the object store's webhook → CloudEvents (AWS S3 adapter) on the Broker."""

import functions_framework

from co2calc.api.s3_notify import api


@functions_framework.http
def s3_notify_http(request):
    return api(request)
