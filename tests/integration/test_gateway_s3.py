"""The gateway's dispatch and the S3 store, over real HTTP."""

from __future__ import annotations

import uuid

import boto3
import httpx

from co2calc import wiring


def test_every_http_function_answers_its_healthz_unstripped(gateway):
    for fn in wiring.HTTP_FUNCTIONS:
        r = httpx.get(f"{gateway}{fn.prefix}/healthz")
        if not fn.public:  # cluster-local: not routed by the ingress (nor the dev gateway)
            assert r.status_code == 404, fn.name
            continue
        assert r.status_code == 200
        assert r.json()["function"] == fn.name  # the path reached the right function


def test_paths_are_not_stripped(gateway):
    # /api/units/tree only exists with its full prefix inside the units function
    r = httpx.get(f"{gateway}/api/units/tree")
    assert r.status_code == 401  # reached the route (auth required), not a 404
    r = httpx.get(f"{gateway}/api/unknown-prefix/x")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_spa_fallback(gateway):
    r = httpx.get(f"{gateway}/en/units")
    assert r.status_code in (200, 503)
    assert "text/html" in r.headers["content-type"]


def test_s3_object_round_trip(s3):
    client = boto3.client("s3", **s3)
    key = f"tests/{uuid.uuid4()}/data é.csv"
    body = b"a;b\n1,5;2\n"
    client.put_object(Bucket="co2calc-uploads", Key=key, Body=body)
    got = client.get_object(Bucket="co2calc-uploads", Key=key)
    assert got["Body"].read() == body
    listed = client.list_objects_v2(Bucket="co2calc-uploads", Prefix=key.rsplit("/", 1)[0])
    assert [o["Key"] for o in listed["Contents"]] == [key]
    client.delete_object(Bucket="co2calc-uploads", Key=key)


def test_static_assets_are_gzipped_when_asked(tmp_path):
    """The SPA's JS/CSS go out compressed (as nginx does in the cluster), bytes intact."""
    from co2calc.dev.gateway import Gateway, serve_in_thread

    (tmp_path / "assets").mkdir()
    js = b"export const x = 1;\n" * 500
    (tmp_path / "assets" / "app-abc.js").write_bytes(js)
    (tmp_path / "index.html").write_bytes(b"<!doctype html><title>t</title>")
    server, _ = serve_in_thread(Gateway(spa_dir=tmp_path))
    try:
        url = f"http://127.0.0.1:{server.port}/assets/app-abc.js"
        raw = httpx.get(url, headers={"Accept-Encoding": "identity"})
        assert raw.headers.get("content-encoding") is None and raw.content == js
        zipped = httpx.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["vary"]
        assert int(zipped.headers["content-length"]) < len(js) / 10  # sent compressed
        assert zipped.content == js  # decoded by the client: the same bytes
    finally:
        server.shutdown()
