"""directory-sync: units, hierarchy, people and roles from the directory provider.

Triggered nightly (PingSource) and when a year is created. Errors propagate so
the Broker redelivers; a failing directory changes nothing.
"""

import functions_framework

from co2calc.tasks import run_directory_sync


@functions_framework.cloud_event
def directory_sync_event(event):
    run_directory_sync()
