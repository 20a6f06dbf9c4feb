"""A circuit breaker over a pluggable state store.

Closed: calls go through; each failed call adds one to ``failures``, a success
resets it. After ``threshold`` consecutive failures the breaker opens for
``open_for``: calls raise :class:`CircuitOpenError` without touching the
source. When that time has passed the next call is a trial (half-open): a
success closes the breaker, a failure opens it again for another period.

State lives in a :class:`BreakerStore` — the database in production (shared by
every replica and surviving restarts), memory in unit tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from co2calc.refresh.errors import CircuitOpenError

__all__ = ["BreakerState", "BreakerStore", "CircuitBreaker", "MemoryBreakerStore"]


@dataclass(frozen=True)
class BreakerState:
    failures: int = 0
    open_until: datetime | None = None


class BreakerStore(Protocol):
    def load(self, name: str) -> BreakerState: ...
    def save(self, name: str, state: BreakerState, error: str | None) -> None: ...


class MemoryBreakerStore:
    def __init__(self) -> None:
        self.states: dict[str, BreakerState] = {}

    def load(self, name: str) -> BreakerState:
        return self.states.get(name, BreakerState())

    def save(self, name: str, state: BreakerState, error: str | None) -> None:
        self.states[name] = state


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        store: BreakerStore,
        *,
        threshold: int = 3,
        open_for: timedelta = timedelta(minutes=60),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.name, self.store = name, store
        self.threshold, self.open_for, self.clock = threshold, open_for, clock

    def state(self) -> BreakerState:
        return self.store.load(self.name)

    def is_open(self) -> bool:
        until = self.state().open_until
        return until is not None and until > self.clock()

    def call[T](self, fn: Callable[[], T], *, failure: type[Exception] | tuple = Exception) -> T:
        """Run ``fn`` unless open; exceptions of type ``failure`` count, then propagate."""
        state = self.state()
        now = self.clock()
        if state.open_until is not None and state.open_until > now:
            raise CircuitOpenError(
                f"{self.name}: circuit open until {state.open_until.isoformat()}",
                source=self.name,
                open_until=state.open_until,
            )
        try:
            result = fn()
        except failure as exc:
            failures = state.failures + 1
            trial_failed = state.open_until is not None  # half-open trial
            opens = failures >= self.threshold or trial_failed
            self.store.save(
                self.name,
                BreakerState(failures, now + self.open_for if opens else None),
                f"{type(exc).__name__}: {exc}"[:500],
            )
            raise
        if state.failures or state.open_until is not None:
            self.store.save(self.name, BreakerState(), None)
        return result
