"""The ingest function's chunk worker processes do not outlive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

START = (
    "from co2calc.ingest import chunks\n"
    "[f.result() for f in chunks.warm()]\n"
    "print('ready', flush=True)\n"
    "import time; time.sleep(120)\n"
)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), list(children.get(pid, []))
    while todo:
        p = todo.pop()
        out.add(p)
        todo.extend(children.get(p, []))
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_leave_when_the_function_process_is_killed(sig: signal.Signals) -> None:
    env = os.environ | {"CO2CALC_IMPORT_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-c", START], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        workers = _descendants(proc.pid)
        assert len(workers) >= 3  # the fork server and two workers (+ resource tracker)
        # WHEN the function's process is killed without shutting its pool down
        proc.send_signal(sig)
        proc.wait(timeout=10)
        # THEN its workers and their fork server are gone within seconds
        deadline = time.monotonic() + 10
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(workers)
    finally:
        proc.kill()


def test_loading_the_function_starts_no_process() -> None:
    """functions-framework loads the function in gunicorn's master before forking the
    serving process: a pool started then would be unusable after the fork."""
    root = Path(__file__).resolve().parents[3]
    load = (
        "import functions_framework, os, pathlib\n"
        f"functions_framework.create_app('ingest_event', '{root}/functions/ingest/main.py',"
        " 'cloudevent')\n"
        "kids = [p for p in pathlib.Path('/proc').iterdir() if p.name.isdigit()"
        " and (p / 'stat').read_text().rsplit(')', 1)[1].split()[1] == str(os.getpid())]\n"
        "print(len(kids))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", load], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "0", out.stdout + out.stderr


def test_the_pool_works_in_the_serving_process_of_functions_framework(tmp_path: Path) -> None:
    """The production server model: the CLI imports the source in gunicorn's master, the
    forked worker serves requests and starts the chunk workers at its first use."""
    import socket

    import httpx

    source = tmp_path / "main.py"
    source.write_text(
        "import functions_framework\n"
        "from co2calc.ingest import chunks\n"
        "@functions_framework.http\n"
        "def probe(request):\n"
        "    return str(chunks.executor().submit(chunks._ready).result(timeout=30))\n"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = Path(sys.executable).with_name("functions-framework")
    env = os.environ | {"CO2CALC_IMPORT_WORKERS": "2", "THREADS": "2"}
    server = subprocess.Popen(
        [str(cli), "--target", "probe", "--source", str(source), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=40)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and r.text == "True", r.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def _gc_state() -> tuple[int, int]:
    import gc

    return gc.get_threshold()[0], gc.get_freeze_count()


def test_workers_collect_garbage_less_often_than_the_function() -> None:
    """A worker's young-generation threshold is raised (chunks allocate ~10 containers a
    row and keep them to the end: with the default the collector re-scanned them every
    ~200 rows, ~30 % of a worker's CPU) and what the fork server imported is frozen out of
    the collector; the function's own process keeps CPython's defaults."""
    import gc

    from co2calc.ingest import chunks

    code = (
        "from co2calc.ingest import chunks\n"
        "import tests.unit.ingest.test_chunk_pool as t\n"
        "print(*chunks.executor().submit(t._gc_state).result(timeout=60))\n"
        "chunks.shutdown()\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = os.environ | {"CO2CALC_IMPORT_WORKERS": "1", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=env, text=True, timeout=120
    )
    threshold, frozen = map(int, out.stdout.split())
    assert threshold == chunks.WORKER_GC_THRESHOLD > gc.get_threshold()[0]
    assert frozen > 10_000  # the engine, pydantic models and their schemas
