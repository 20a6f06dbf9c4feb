"""maintenance: expire sessions and login flows (PingSource)."""

import functions_framework

from co2calc.tasks import run_maintenance


@functions_framework.cloud_event
def maintenance_event(event):
    run_maintenance()
