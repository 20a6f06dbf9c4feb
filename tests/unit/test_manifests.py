"""Offline checks of ``knative/`` and ``compose.yaml``: schemas, and drift from the wiring table.

- Knative kinds are validated against the ``openAPIV3Schema`` of their CRD
  (copied unchanged into ``tests/schemas/knative``), their ``metadata`` as a
  Kubernetes ObjectMeta, and a Knative Service's pod spec as a core PodSpec;
- core kinds are validated strictly with ``kubernetes-validate``;
- ``compose.yaml`` against the Compose Specification schema;
- what is generated from ``co2calc.wiring`` must agree with it, and
  ``scripts/gen_manifests.py`` must reproduce the committed files exactly;
- the overlays are built with ``kubectl kustomize`` when kubectl is installed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from co2calc import wiring

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "knative" / "base"
OVERLAYS = sorted(p for p in (ROOT / "knative" / "overlays").iterdir() if p.is_dir())
SCHEMAS = ROOT / "tests" / "schemas"
K8S_VERSION = "1.32.0"  # oldest Kubernetes the manifests target (Knative 1.18+ needs ≥ 1.31)
IMAGE = "co2calc"

# Kubernetes kinds (apiVersion, kind) validated by kubernetes-validate.
CORE_KINDS = {
    ("v1", "ConfigMap"),
    ("v1", "Service"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Namespace"),
    ("v1", "Secret"),
    ("apps/v1", "Deployment"),
    ("networking.k8s.io/v1", "Ingress"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
}
# Fields of a Knative RevisionSpec that are not part of a core PodSpec.
REVISION_ONLY = {
    "containerConcurrency",
    "timeoutSeconds",
    "responseStartTimeoutSeconds",
    "idleTimeoutSeconds",
}


def load_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def base_files() -> list[Path]:
    return sorted(p for p in BASE.glob("*.yaml") if p.name != "kustomization.yaml")


@functools.cache
def base_docs() -> list[dict[str, Any]]:
    return [doc for f in base_files() for doc in load_docs(f)]


def of_kind(docs: list[dict[str, Any]], api_group: str, kind: str) -> list[dict[str, Any]]:
    return [
        d
        for d in docs
        if d["kind"] == kind and d["apiVersion"].rsplit("/", 1)[0] == api_group.rsplit("/", 1)[0]
    ]


@functools.cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) → openAPIV3Schema, from the CRD copies."""
    out = {}
    for f in sorted((SCHEMAS / "knative").glob("*.yaml")):
        for crd in load_docs(f):
            spec = crd["spec"]
            for version in spec["versions"]:
                if "schema" in version:
                    key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                    out[key] = version["schema"]["openAPIV3Schema"]
    return out


def strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden wherever it lists ``properties``
    (Knative marks most objects ``x-kubernetes-preserve-unknown-fields`` because
    its CRDs are incomplete: this catches typos in the fields it does list)."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if "properties" in schema and "additionalProperties" not in schema:
        out["additionalProperties"] = False
    return out


def validate_crd_kind(doc: dict[str, Any]) -> None:
    key = (doc["apiVersion"], doc["kind"])
    schema = crd_schemas().get(key)
    assert schema is not None, f"no CRD schema for {key} in tests/schemas/knative"
    jsonschema.Draft7Validator(schema).validate(doc)
    # the spec again, strictly (metadata is checked as an ObjectMeta below)
    jsonschema.Draft7Validator(strict(schema["properties"]["spec"])).validate(doc["spec"])
    # metadata as a Kubernetes ObjectMeta (validated through a ConfigMap wrapper)
    kubernetes_validate.validate(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": doc["metadata"]},
        K8S_VERSION,
        strict=True,
    )
    if doc["kind"] == "Service" and doc["apiVersion"].startswith("serving.knative.dev/"):
        template = doc["spec"]["template"]
        pod_spec = json.loads(json.dumps(template["spec"]))
        for key in REVISION_ONLY:
            pod_spec.pop(key, None)
        for c in pod_spec["containers"]:  # Knative defaults a probe's port to the serving port
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if "httpGet" in c.get(probe, {}) and "port" not in c[probe]["httpGet"]:
                    c[probe]["httpGet"]["port"] = c["ports"][0]["containerPort"]
        kubernetes_validate.validate(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": template.get("metadata", {}),
                "spec": pod_spec,
            },
            K8S_VERSION,
            strict=True,
        )


def validate_any(doc: dict[str, Any]) -> None:
    key = (doc["apiVersion"], doc["kind"])
    if key in CORE_KINDS:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    else:
        validate_crd_kind(doc)


def knative_services(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in of_kind(docs, "serving.knative.dev/v1", "Service")}


def env_of(ksvc: dict[str, Any]) -> dict[str, str]:
    [container] = ksvc["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e.get("value") for e in container.get("env", [])}


# ---------------------------------------------------------------- schema validation


@pytest.mark.parametrize("path", base_files(), ids=lambda p: p.name)
def test_base_manifest_is_valid(path: Path) -> None:
    docs = load_docs(path)
    assert docs, f"{path.name} is empty"
    for doc in docs:
        validate_any(doc)


def test_knative_kinds_have_a_crd_schema_and_core_kinds_are_known() -> None:
    for doc in base_docs():
        key = (doc["apiVersion"], doc["kind"])
        assert key in CORE_KINDS or key in crd_schemas(), f"unvalidated kind {key}"


def test_a_bad_knative_manifest_is_rejected() -> None:
    """The CRD validation is not vacuous."""
    ksvc = json.loads(json.dumps(next(iter(knative_services(base_docs()).values()))))
    ksvc["spec"]["template"]["spec"]["containerConcurrency"] = "ten"
    with pytest.raises(jsonschema.ValidationError):
        validate_crd_kind(ksvc)
    [trigger, *_] = of_kind(base_docs(), "eventing.knative.dev/v1", "Trigger") or [None]
    if trigger:
        bad = json.loads(json.dumps(trigger))
        bad["spec"]["delivery"]["deadLeterSink"] = bad["spec"]["delivery"].pop("deadLetterSink")
        with pytest.raises(jsonschema.ValidationError):
            validate_crd_kind(bad)


def test_kustomization_lists_every_file() -> None:
    [kustomization] = load_docs(BASE / "kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(p.name for p in base_files())


def test_names_are_unique_dns_labels() -> None:
    seen = set()
    for doc in base_docs():
        name = doc["metadata"]["name"]
        assert len(name) <= 63
        assert name == name.lower() and name.replace("-", "").isalnum(), name
        key = (doc["apiVersion"].split("/")[0], doc["kind"], name)
        assert key not in seen, f"duplicate {key}"
        seen.add(key)


def test_compose_is_valid_against_the_compose_spec() -> None:
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text(encoding="utf-8"))
    [compose] = load_docs(ROOT / "compose.yaml")
    jsonschema.Draft202012Validator(schema).validate(compose)
    bad = {**compose, "services": {"x": {"image": "a", "comand": ["typo"]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


# ---------------------------------------------------------------- drift from the wiring table


def test_knative_services_are_the_wiring_functions() -> None:
    ksvcs = knative_services(base_docs())
    assert set(ksvcs) == {fn.name for fn in wiring.FUNCTIONS}
    for fn in wiring.FUNCTIONS:
        ksvc = ksvcs[fn.name]
        http = isinstance(fn, wiring.HttpFunction)
        template = ksvc["spec"]["template"]
        [container] = template["spec"]["containers"]
        env = env_of(ksvc)
        assert container["image"] == IMAGE
        assert env["FUNCTION_TARGET"] == fn.target
        assert env["FUNCTION_SOURCE"] == fn.source
        assert (ROOT / fn.source).parent.name == fn.name
        assert env["FUNCTION_SIGNATURE_TYPE"] == ("http" if http else "cloudevent")
        cc = template["spec"]["containerConcurrency"]
        assert 1 <= cc <= (10 if http else 4)
        assert env["THREADS"] == env["CO2CALC_THREADS"] == str(cc)
        assert "PORT" not in env  # reserved by Knative
        annotations = template["metadata"]["annotations"]
        for key in ("min-scale", "max-scale", "target"):
            assert int(annotations[f"autoscaling.knative.dev/{key}"]) >= 0
        assert {"configMapRef": {"name": "co2calc-config"}} in container["envFrom"]
        assert {"secretRef": {"name": "co2calc-secrets"}} in container["envFrom"]
        assert container["resources"]["requests"] and container["resources"]["limits"]
        probes = {"readinessProbe", "livenessProbe"} & set(container)
        if http:
            assert probes == {"readinessProbe", "livenessProbe"}
            for probe in probes:
                assert container[probe]["httpGet"]["path"] == "/healthz"
        else:
            assert not probes
        cluster_local = not http or not fn.public
        visibility = ksvc["metadata"]["labels"].get("networking.knative.dev/visibility")
        assert (visibility == "cluster-local") == cluster_local, fn.name


def test_triggers_are_the_wiring_triggers() -> None:
    triggers = of_kind(base_docs(), "eventing.knative.dev/v1", "Trigger")
    got = {
        (t["spec"]["filter"]["attributes"]["type"], t["spec"]["subscriber"]["ref"]["name"])
        for t in triggers
    }
    assert len(got) == len(triggers)
    assert got == {(ce, fn.name) for fn in wiring.EVENT_FUNCTIONS for ce in fn.triggers}
    brokers = {b["metadata"]["name"] for b in of_kind(base_docs(), "eventing.knative.dev/v1",
                                                       "Broker")}  # fmt: skip
    core_services = {d["metadata"]["name"] for d in of_kind(base_docs(), "v1", "Service")}
    for t in triggers:
        assert t["spec"]["broker"] in brokers
        assert t["spec"]["subscriber"]["ref"]["kind"] == "Service"
        assert t["spec"]["subscriber"]["ref"]["apiVersion"] == "serving.knative.dev/v1"
        delivery = t["spec"]["delivery"]
        assert delivery["retry"] >= 1 and delivery["backoffPolicy"] in {"exponential", "linear"}
        assert delivery["deadLetterSink"]["ref"]["name"] in core_services


def test_pingsources_are_the_wiring_schedules() -> None:
    pings = of_kind(base_docs(), "sources.knative.dev/v1", "PingSource")
    got = {
        (
            p["metadata"]["name"],
            p["spec"]["schedule"],
            p["spec"]["sink"]["ref"]["name"],
            json.loads(p["spec"]["data"])["task"],
        )
        for p in pings
    }
    assert len(got) == len(pings)
    assert got == {
        (s.name, s.cron, fn.name, s.task) for fn in wiring.EVENT_FUNCTIONS for s in fn.schedules
    }
    for p in pings:
        assert p["spec"]["contentType"] == "application/json"
        assert p["spec"]["sink"]["ref"]["apiVersion"] == "serving.knative.dev/v1"


def test_ingress_paths_are_the_public_http_prefixes() -> None:
    [ingress] = of_kind(base_docs(), "networking.k8s.io/v1", "Ingress")
    paths = {
        (p["path"], p["pathType"]): p["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    spa = paths.pop(("/", "Prefix"))
    assert spa in {d["metadata"]["name"] for d in of_kind(base_docs(), "v1", "Service")}
    public = [fn for fn in wiring.HTTP_FUNCTIONS if fn.public]
    assert paths == {(fn.prefix, "Prefix"): fn.name for fn in public} | {
        (path, "Exact"): fn.name for fn in public for path in getattr(fn, "exact_paths", ())
    }


def test_broker_sinkbinding_and_references() -> None:
    docs = base_docs()
    [broker] = of_kind(docs, "eventing.knative.dev/v1", "Broker")
    assert broker["metadata"]["name"] == "default"
    [binding] = of_kind(docs, "sources.knative.dev/v1", "SinkBinding")
    assert binding["spec"]["sink"]["ref"]["name"] == "default"
    selector = binding["spec"]["subject"]["selector"]["matchLabels"]
    for ksvc in knative_services(docs).values():
        assert selector.items() <= ksvc["metadata"]["labels"].items()
    config_maps = {d["metadata"]["name"] for d in of_kind(docs, "v1", "ConfigMap")}
    assert "co2calc-config" in config_maps
    [job] = of_kind(docs, "batch/v1", "Job")
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "-m", "co2calc.migrate"]
    assert migrate["image"] == IMAGE
    [cron] = of_kind(docs, "batch/v1", "CronJob")
    claims = {d["metadata"]["name"] for d in of_kind(docs, "v1", "PersistentVolumeClaim")}
    volumes = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"]
    assert {v["persistentVolumeClaim"]["claimName"] for v in volumes} <= claims


def test_compose_covers_every_function() -> None:
    [compose] = load_docs(ROOT / "compose.yaml")
    services = compose["services"]
    for fn in wiring.FUNCTIONS:
        svc = services[fn.name]
        env = svc["environment"]
        assert env["FUNCTION_TARGET"] == fn.target
        assert env["FUNCTION_SOURCE"] == fn.source
        http = isinstance(fn, wiring.HttpFunction)
        assert env["FUNCTION_SIGNATURE_TYPE"] == ("http" if http else "cloudevent")
        assert svc["build"]["context"] == "."
    images = {svc.get("image") for name, svc in services.items() if "build" in svc}
    assert len(images) == 1, "one image for every function"
    assert {"postgres", "s3", "gateway", "eventbus", "migrate"} <= set(services)
    assert services["migrate"]["command"] == ["python", "-m", "co2calc.migrate"]
    assert "co2calc.dev.gateway" in services["gateway"]["command"]
    assert "co2calc.dev.eventbus" in services["eventbus"]["command"]
    webhook = compose["configs"]["seaweedfs-notification"]["content"]
    assert "[notification.webhook]" in webhook


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_manifests", ROOT / "scripts" /
                                                  "gen_manifests.py")  # fmt: skip
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.main(["--out", str(tmp_path)]) == 0
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert {p.parent.as_posix() for p in generated} == {".", "knative/base"}
    committed = [*sorted(p.relative_to(ROOT) for p in BASE.glob("*.yaml")), Path("compose.yaml")]
    assert sorted(generated) == sorted(committed), "run: uv run python scripts/gen_manifests.py"
    for rel in generated:
        assert (tmp_path / rel).read_text() == (ROOT / rel).read_text(), (
            f"{rel} is out of date: run uv run python scripts/gen_manifests.py"
        )
    assert gen.check(ROOT) == []


# ---------------------------------------------------------------- overlays


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_overlay_builds_and_validates(overlay: Path) -> None:
    out = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    [namespace] = [d for d in docs if d["kind"] == "Namespace"]
    for doc in docs:
        validate_any(doc)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == namespace["metadata"]["name"]
    ksvcs = knative_services(docs)
    assert set(ksvcs) == {fn.name for fn in wiring.FUNCTIONS}
    for ksvc in ksvcs.values():
        [container] = ksvc["spec"]["template"]["spec"]["containers"]
        name = container["image"].rsplit(":", 1)[0]
        assert container["image"] != IMAGE and name.endswith(f"/{IMAGE}")
