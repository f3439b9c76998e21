"""The optimiser's time budget: one clock for the whole call, preparation included.

A plan request asks for ``time_limit_s``; reading the firms, the eligibility checks, the bounds,
the greedy team and every CP-SAT model all draw on the same budget, so that a call asked to
finish in 0.01 s does (issue #12: it took 0.8-1.2 s, all of it preparation). The clock is
injectable, so tests count the budget instead of timing a loaded machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CHECK_EVERY", "Budget", "TimeLimitReached"]

CHECK_EVERY = 64  # loops over firms look at the clock once per this many firms


class TimeLimitReached(Exception):
    """Raised inside the preparation when the budget is spent (``plan_consortium`` catches it
    and answers ``status: unknown`` with the reason)."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


@dataclass
class Budget:
    """``limit_s`` seconds from ``started`` (the clock's reading when the call began)."""

    limit_s: float
    clock: Callable[[], float] = time.perf_counter
    started: float | None = None
    checks: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.started is None:
            self.started = self.clock()

    @property
    def deadline(self) -> float:
        assert self.started is not None
        return self.started + self.limit_s

    def now(self) -> float:
        self.checks += 1
        return self.clock()

    def remaining_s(self) -> float:
        return max(0.0, self.deadline - self.now())

    def expired(self) -> bool:
        return self.now() >= self.deadline

    def check(self, stage: str) -> None:
        """Raise :class:`TimeLimitReached` (naming ``stage``) once the budget is spent."""
        if self.expired():
            raise TimeLimitReached(stage)

    def elapsed_ms(self) -> float:
        assert self.started is not None
        return (self.clock() - self.started) * 1000.0
