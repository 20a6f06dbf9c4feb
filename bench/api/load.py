"""A small closed-loop HTTP load generator: N concurrent clients for T seconds.

Each client is an asyncio task with its own keep-alive connection (httpx),
issuing its next request when the previous one has answered and, with
``think`` > 0, after a pause drawn uniformly from [think/2, 3·think/2] (a person
reading the page before the next click; ``think=0`` measures capacity, every
client sending back to back). Latencies are
recorded per operation; the figures are computed over every request of the
run (no sampling). Client processes are separate from the server's, but share
the machine's cores with it: the figures are a lower bound of what the server
does on its own.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Op", "Result", "run_load"]


@dataclass(frozen=True)
class Op:
    """One kind of request: ``make(client_index, rnd)`` → (method, url, json body or None)."""

    name: str
    weight: int
    make: Callable[[int, random.Random], tuple[str, str, dict | None]]
    expect: tuple[int, ...] = (200,)


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def merge(self, other: Result) -> None:
        for k, v in other.latencies.items():
            self.latencies.setdefault(k, []).extend(v)
        for k, v in other.errors.items():
            self.errors[k] = self.errors.get(k, 0) + v
        self.seconds = max(self.seconds, other.seconds)

    def rows(self) -> list[dict]:
        out = []
        for name, lat in sorted(self.latencies.items()):
            q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else lat * 99
            out.append(
                {
                    "op": name,
                    "requests": len(lat),
                    "errors": self.errors.get(name, 0),
                    "rps": len(lat) / self.seconds if self.seconds else 0.0,
                    "p50_ms": q[49] * 1000,
                    "p95_ms": q[94] * 1000,
                    "p99_ms": q[98] * 1000,
                }
            )
        return out


async def _client(
    i: int,
    base: str,
    cookies: Callable[[int], dict[str, str]],
    ops: list[Op],
    deadline: float,
    out: Result,
    seed: int,
    think: float = 0.0,
) -> None:
    import httpx

    rnd = random.Random(seed * 1000 + i)
    weights = list(itertools.accumulate(op.weight for op in ops))
    headers = cookies(i)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:
        if think:  # arrivals spread out, not 50 clicks at the same instant
            await asyncio.sleep(rnd.uniform(0, think))
        while time.perf_counter() < deadline:
            op = rnd.choices(ops, cum_weights=weights)[0]
            method, url, body = op.make(i, rnd)
            t0 = time.perf_counter()
            try:
                r = await c.request(method, url, json=body)
                ok = r.status_code in op.expect
            except httpx.HTTPError:
                ok = False
            dt = time.perf_counter() - t0
            if ok:
                out.latencies.setdefault(op.name, []).append(dt)
            else:
                out.errors[op.name] = out.errors.get(op.name, 0) + 1
            if think:
                await asyncio.sleep(rnd.uniform(think / 2, think * 1.5))


async def _run(base, cookies, ops, clients, offset, seconds, seed, think) -> Result:
    out = Result()
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(
            _client(offset + i, base, cookies, ops, deadline, out, seed, think)
            for i in range(clients)
        )
    )
    out.seconds = time.perf_counter() - start
    return out


_JOBS: list[tuple] = []  # set before forking: closures are inherited, never pickled


def _worker(index: int) -> Result:
    base, cookies, ops, clients, offset, seconds, seed, think = _JOBS[index]
    return asyncio.run(_run(base, cookies, ops, clients, offset, seconds, seed, think))


def run_load(
    base: str,
    cookies: Callable[[int], dict[str, str]],
    ops: list[Op],
    *,
    clients: int = 50,
    seconds: float = 30.0,
    processes: int = 2,
    seed: int = 1,
    think: float = 0.0,
) -> Result:
    """``clients`` concurrent clients spread over ``processes`` client processes, each
    pausing ``think`` seconds on average between its requests."""
    per = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    offsets = list(itertools.accumulate([0, *per[:-1]]))
    _JOBS[:] = [
        (base, cookies, ops, n, off, seconds, seed, think)
        for n, off in zip(per, offsets, strict=True)
    ]
    with mp.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_worker, range(processes))
    total = Result()
    for part in parts:
        total.merge(part)
    return total
