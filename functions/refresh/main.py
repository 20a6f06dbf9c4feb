"""refresh: ECB exchange rates and euro-area HICP (PingSource, nightly).

A failing source leaves the stored values serving and the run succeeds;
database or broker errors propagate so the ping is redelivered.
"""

import functions_framework

from co2calc.refresh import run_refresh


@functions_framework.cloud_event
def refresh_event(event):
    run_refresh()
