"""How calls to another service survive its bad days: backoff with jitter, a circuit breaker.

The clock and the sleep are passed in, so tests can drive them without waiting.
"""

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, retry: int) -> float:
        """Full jitter: anything from 0 to base * 2**retry (capped), so clients spread out."""
        ceiling = min(self.max_seconds, self.base_seconds * 2**retry)
        return random.uniform(0, ceiling)


class CircuitOpenError(Exception):
    """The breaker is open: the call was not made. `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"circuit open for another {retry_after} s")
        self.retry_after = retry_after


class CircuitBreaker:
    """Closed: calls go through. After `threshold` failures in a row it opens: calls fail
    at once, for `cooldown_seconds`. Then it is half-open: one trial call goes through; its
    success closes the breaker, its failure opens it again."""

    def __init__(self, threshold: int, cooldown_seconds: float, clock: Clock) -> None:
        self._threshold = threshold
        self._cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._is_trial_running = False

    def before_call(self) -> None:
        """Raise CircuitOpenError unless a call may go out now."""
        if self._opened_at is None:
            return
        waited = self._clock() - self._opened_at
        if waited < self._cooldown_seconds:
            remaining = max(self._cooldown_seconds - waited, 1.0)
            raise CircuitOpenError(math.ceil(remaining))
        self._is_trial_running = True  # half-open: this call is the trial

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._is_trial_running = False

    def abandon_call(self) -> None:
        """A call was cancelled: it says nothing about the upstream's health."""
        self._is_trial_running = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._is_trial_running or self._failures >= self._threshold:
            self._opened_at = self._clock()
            self._is_trial_running = False
