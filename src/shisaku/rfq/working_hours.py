"""Deadlines in working hours: the reply-time promise counts office hours, not the night.

Pure functions (no ORM). A calendar is a daily window (e.g. 09:00-18:00) on working weekdays
in one time zone; holidays can be listed. Example: two working hours from Friday 17:00 end on
Monday 10:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

__all__ = ["WorkingCalendar", "add_working_hours", "parse_calendar"]


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays


def parse_calendar(spec: str, tz_name: str, holidays: Iterable[str] = ()) -> WorkingCalendar:
    """``"09:00-18:00 mon-fri"`` (the default form) -> a calendar in ``tz_name``."""
    days = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
    parts = spec.split()
    try:
        start_s, end_s = parts[0].split("-")
        start, end = dt.time.fromisoformat(start_s), dt.time.fromisoformat(end_s)
        if len(parts) > 1:
            first, _, last = parts[1].lower().partition("-")
            a, b = days[first], days[last or first]
            weekdays = frozenset(range(a, b + 1)) if a <= b else frozenset(
                set(range(a, 7)) | set(range(0, b + 1)))
        else:
            weekdays = frozenset(range(5))
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"working hours {spec!r}: use e.g. '09:00-18:00 mon-fri'") from None
    if not start < end:
        raise ValueError(f"working hours {spec!r}: the day must end after it starts")
    return WorkingCalendar(ZoneInfo(tz_name), start, end, weekdays,
                           frozenset(dt.date.fromisoformat(d) for d in holidays))


def add_working_hours(moment: dt.datetime, hours: float, calendar: WorkingCalendar) -> dt.datetime:
    """The aware datetime ``hours`` working hours after ``moment`` (which must be aware)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    remaining = dt.timedelta(hours=hours)
    local = moment.astimezone(calendar.tz)
    while True:
        day = local.date()
        opens = dt.datetime.combine(day, calendar.start, calendar.tz)
        closes = dt.datetime.combine(day, calendar.end, calendar.tz)
        if calendar.is_working_day(day) and local < closes:
            begin = max(local, opens)
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(moment.tzinfo)
            remaining -= available
        next_day = day + dt.timedelta(days=1)
        local = dt.datetime.combine(next_day, calendar.start, calendar.tz)
