"""calculate: recompute emissions of a slice (year, module, unit) on recalculation requests.

Errors propagate so the Broker redelivers; the job row keeps the progress.
"""

import functions_framework

from co2calc.recalc import handle_event


@functions_framework.cloud_event
def calculate_event(event):
    handle_event(event.data)
