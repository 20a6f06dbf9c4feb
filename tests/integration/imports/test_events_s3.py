"""Object-created events typed at the boundary: recorded SeaweedFS webhooks, the S3 adapter
CloudEvent, and the AWS path (S3 → SQS → IntegrationSource) with moto.
"""

from __future__ import annotations

import json

import pytest

from co2calc.events_s3 import (
    EventParseError,
    S3EventRecord,
    SeaweedWebhook,
    cloudevent_attributes,
    objects_from_cloudevent,
    record_from_seaweed,
)


def test_seaweed_object_created_becomes_an_s3_record(load_event):
    hook = SeaweedWebhook.model_validate(load_event("seaweedfs_webhook_object_created.json"))
    record = record_from_seaweed(hook)
    assert record is not None
    obj = record.created_object
    assert obj.bucket == "co2calc-uploads"
    assert obj.key == "uploads/2031/ENAC-CLIM-LAB1/travel/plane/abc123.csv"
    assert obj.etag == "b8376e451e7f65f8bd6985e69c716c61" and obj.size == 27
    attrs = cloudevent_attributes(record)
    assert attrs["type"] == "com.amazonaws.s3.ObjectCreated:Put"
    assert attrs["source"] == "aws:s3.us-east-1.co2calc-uploads"
    assert attrs["subject"] == "uploads/2031/ENAC-CLIM-LAB1/travel/plane/abc123.csv"


def test_tricky_key_round_trips_url_encoding(load_event):
    # GIVEN a key with a space, a plus and a non-ASCII letter (SeaweedFS sends it raw)
    hook = SeaweedWebhook.model_validate(
        load_event("seaweedfs_webhook_object_created_tricky_name.json")
    )
    record = record_from_seaweed(hook)
    # THEN the S3 record carries it URL-encoded (as S3 does) and the accessor decodes it
    assert record.s3.object.key == "uploads/2031/institution/travel/plane/my+file+%C3%A9%2Bx.csv"
    assert record.s3.object.object_key.endswith("/my file é+x.csv")
    [obj] = objects_from_cloudevent("com.amazonaws.s3.ObjectCreated:Put", record.model_dump_json())
    assert obj.key.endswith("/my file é+x.csv")


@pytest.mark.parametrize(
    "name",
    [
        "seaweedfs_webhook_directory_created.json",
        "seaweedfs_webhook_update.json",
        "seaweedfs_webhook_system_entry.json",
    ],
)
def test_directories_updates_and_system_entries_create_nothing(load_event, name):
    assert record_from_seaweed(SeaweedWebhook.model_validate(load_event(name))) is None


def test_malformed_events_fail_at_the_door():
    with pytest.raises(EventParseError):
        objects_from_cloudevent("com.amazonaws.s3.ObjectCreated:Put", b"not json")
    with pytest.raises(EventParseError):
        objects_from_cloudevent("com.amazonaws.s3.ObjectCreated:Put", {"s3": {}})
    with pytest.raises(EventParseError):
        objects_from_cloudevent("something.else", {})


def test_s3_notify_publishes_adapter_cloudevents_and_ignores_the_rest(stack, load_event):
    import httpx

    from co2calc.dev.s3proxy import NOTIFY_PATH

    for name in ("seaweedfs_webhook_directory_created.json", "seaweedfs_webhook_update.json"):
        r = httpx.post(f"{stack.url}{NOTIFY_PATH}", json=load_event(name))
        assert r.status_code == 202 and r.json() == {"published": [], "ignored": True}
    assert httpx.post(f"{stack.url}{NOTIFY_PATH}", content=b"{").status_code == 400


def test_aws_path_s3_to_sqs_to_ingest(stack, make_year, as_person, unit_ids, monkeypatch):
    """S3 bucket notification → SQS (moto) → the IntegrationSource's CloudEvent → ingest."""
    import boto3
    from cloudevents.conversion import to_structured
    from cloudevents.http import CloudEvent
    from functions_framework import create_app
    from moto import mock_aws

    from co2calc import wiring
    from co2calc.db import transaction
    from co2calc.demo import DEMO_USERS
    from co2calc.uploads import reset_client

    year = make_year(2063)
    principal = as_person(DEMO_USERS[1].person_id)
    grant = principal.grant(
        year=year,
        unit_id=unit_ids["ENAC-CLIM-LAB1"],
        module="travel",
        submodule="plane",
        filename="a.csv",
        content_type="text/csv",
    ).json()
    job = grant["job"]
    from co2calc.settings import get_settings

    monkeypatch.setenv("CO2CALC_S3_ENDPOINT_URL", "https://s3.us-east-1.amazonaws.com")
    get_settings.cache_clear()
    with mock_aws():
        reset_client()  # the ingest code's client is now moto's (AWS endpoint, mocked)
        s3 = boto3.client("s3", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        s3.create_bucket(Bucket="co2calc-uploads")
        queue = sqs.create_queue(QueueName="co2calc-uploads")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        s3.put_bucket_notification_configuration(
            Bucket="co2calc-uploads",
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn["Attributes"]["QueueArn"],
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {
                            "Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}
                        },
                    }
                ]
            },
        )
        s3.put_object(
            Bucket="co2calc-uploads", Key=job["object_key"], Body=b"origin,destination\nGVA,LHR\n"
        )
        bodies = []
        for _ in range(3):
            for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
                "Messages", []
            ):
                bodies.append(m["Body"])
        notes = [json.loads(b) for b in bodies]
        [note] = [n for n in notes if "Records" in n]  # moto also sends s3:TestEvent
        assert note["Records"][0]["eventName"] == "ObjectCreated:Put"
        # The IntegrationSource's CloudEvent: data = the SQS message body
        event = CloudEvent(
            {
                "type": "dev.knative.connector.event.aws-sqs",
                "source": "dev.knative.eventing.aws-sqs-source",
                "subject": "aws-sqs-source",
                "datacontenttype": "application/json",
            },
            json.dumps(note).encode(),
        )
        fn = wiring.function_by_name("ingest")
        app = create_app(fn.target, str(wiring.REPO_ROOT / fn.source), "cloudevent")
        headers, body = to_structured(event)
        r = app.test_client().post("/", headers=headers, data=body)
        assert r.status_code == 200, r.get_data(as_text=True)
        # delivered twice: imported once
        r = app.test_client().post("/", headers=headers, data=body)
        assert r.status_code == 200
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_client()
    with transaction(all_units=True) as conn:
        row = conn.execute(
            "select status, rows_written, attempts from job where id = %s", (job["id"],)
        ).fetchone()
    assert (row["status"], row["rows_written"], row["attempts"]) == ("succeeded", 1, 1)


def test_s3_record_needs_an_etag_except_on_deletion():
    rec = S3EventRecord.model_validate(
        {
            "eventTime": "2026-01-01T00:00:00Z",
            "eventName": "ObjectRemoved:Delete",
            "s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/x"}},
        }
    )
    assert rec.created_object is None


def test_integrationsource_envelope_and_s3_test_event(load_event):
    ce = load_event("aws_sqs_integrationsource_cloudevent.json")
    [obj] = objects_from_cloudevent(ce["type"], json.dumps(ce["data"]))
    assert obj.key.endswith("0123456789abcdef0123456789abcdef.csv") and len(obj.etag) == 32
    assert objects_from_cloudevent(ce["type"], load_event("aws_s3_test_event.json")) == []
