"""Cold start of one real function vs a hello-world function.

Starts each with the functions-framework CLI alone (a fresh process, as a
Knative pod would), polls until the first 200 answer, and prints the time to
first response and the process's RSS after that response (median of N runs).
The goal (issue 2): real / hello ≤ 1.5 for both figures.

    uv run python bench/coldstart/run.py [--runs 5] [--function units]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]
FF = Path(sys.executable).parent / "functions-framework"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(target: str, source: Path, path: str) -> tuple[float, float]:
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(FF),
            "--target",
            target,
            "--source",
            str(source),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "THREADS": "4", "CO2CALC_FUNCTION_NAME": target},
    )
    try:
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{target} exited with {proc.returncode}")
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
        p = psutil.Process(proc.pid)
        rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
        return elapsed, rss / 2**20
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--function", default="units")
    args = ap.parse_args()
    name = args.function
    cases = {
        "hello": ("hello_http", ROOT / "bench/coldstart/hello/main.py", "/"),
        name: (
            f"{name.replace('-', '_')}_http",
            ROOT / f"functions/{name}/main.py",
            f"/api/{name}/healthz",
        ),
    }
    results = {}
    for label, (target, source, path) in cases.items():
        runs = [one_run(target, source, path) for _ in range(args.runs)]
        results[label] = (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
        )
    print(f"{'function':<12} {'first response (s)':>20} {'RSS (MiB)':>10}")
    for label, (t, rss) in results.items():
        print(f"{label:<12} {t:>20.3f} {rss:>10.1f}")
    (ht, hr), (ft, fr) = results["hello"], results[name]
    print(f"ratio {name}/hello: time {ft / ht:.2f}, RSS {fr / hr:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
