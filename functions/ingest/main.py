"""ingest: an uploaded CSV/XLSX → validated entries and emissions (bulk, idempotent).

Triggered by com.amazonaws.s3.ObjectCreated:Put (s3-notify) and by the AWS SQS
IntegrationSource. Input errors fail the job and acknowledge the event; other
errors propagate so the Broker redelivers.
"""

import functions_framework

from co2calc.ingest.handler import handle_cloudevent

# No worker processes are started here: functions-framework imports this module in
# gunicorn's master, which then forks the serving process; a pool started before that
# fork would be unusable in it. The first import starts them (co2calc.ingest.chunks).


@functions_framework.cloud_event
def ingest_event(event):
    handle_cloudevent(event["type"], event.get_data())
