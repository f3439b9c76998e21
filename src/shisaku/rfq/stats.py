"""Reply-time statistics from invitation events (pure: no database).

Times are in hours. A firm's *acknowledgement time* for one invitation is the time from sending
to its first answer of any kind (acknowledgement, quote or decline); its *quote time* is the
time from sending to its first quote. The *response rate* counts invitations answered at all
among those that were answered or whose acknowledgement deadline has passed (an invitation
still inside its deadline is not counted either way).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["InvitationEvents", "ReplyFigures", "percentile", "reply_figures"]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks
    (numpy's default); None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class InvitationEvents:
    """The moments of one invitation that the statistics read (aware datetimes)."""

    sent_at: datetime
    ack_deadline: datetime | None = None
    acknowledged_at: datetime | None = None
    replied_at: datetime | None = None      # first quote or decline
    first_quote_at: datetime | None = None


@dataclass(frozen=True)
class ReplyFigures:
    ack_median_hours: float | None
    ack_p90_hours: float | None
    quote_median_hours: float | None
    quote_p90_hours: float | None
    response_rate: float | None   # 0..1
    counted: int                  # invitations in the response rate's denominator
    answered: int


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600.0)


def reply_figures(events: Iterable[InvitationEvents], *, now: datetime) -> ReplyFigures:
    ack_hours: list[float] = []
    quote_hours: list[float] = []
    counted = answered = 0
    for ev in events:
        firsts = [t for t in (ev.acknowledged_at, ev.replied_at) if t is not None]
        if firsts:
            ack_hours.append(_hours(ev.sent_at, min(firsts)))
            answered += 1
            counted += 1
        elif ev.ack_deadline is not None and ev.ack_deadline < now:
            counted += 1
        if ev.first_quote_at is not None:
            quote_hours.append(_hours(ev.sent_at, ev.first_quote_at))

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 2)

    return ReplyFigures(
        r(percentile(ack_hours, 50)), r(percentile(ack_hours, 90)),
        r(percentile(quote_hours, 50)), r(percentile(quote_hours, 90)),
        round(answered / counted, 4) if counted else None, counted, answered)
