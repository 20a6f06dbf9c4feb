"""ingest: an uploaded CSV/XLSX → validated entries and emissions (bulk, idempotent).

Triggered by com.amazonaws.s3.ObjectCreated:Put (s3-notify) and by the AWS SQS
IntegrationSource. Input errors fail the job and acknowledge the event; other
errors propagate so the Broker redelivers.
"""

import functions_framework

from co2calc.ingest import chunks
from co2calc.ingest.handler import handle_cloudevent

chunks.warm()  # the chunk workers start with the function, not with its first import


@functions_framework.cloud_event
def ingest_event(event):
    handle_cloudevent(event["type"], event.get_data())
