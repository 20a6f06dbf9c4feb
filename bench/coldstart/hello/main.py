"""Reference: the smallest functions-framework HTTP function."""

import functions_framework


@functions_framework.http
def hello_http(request):
    return "ok"
