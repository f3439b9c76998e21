"""Deadlines in working hours: the reply-time promise counts office hours, not the night.

Pure functions (no ORM). A calendar is a daily window (e.g. 09:00-18:00) on working weekdays
in one time zone; holidays can be listed. Example: two working hours from Friday 17:00 end on
Monday 10:00.
"""

from __future__ import annotations

import datetime as dt
import math
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


_STEP = dt.timedelta(hours=1)  # the database never changes an offset twice within an hour
_HORIZON = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)


def _offset_at(tz: ZoneInfo, utc: dt.datetime) -> dt.timedelta:
    """The zone's UTC offset at the naive UTC instant ``utc``."""
    offset = utc.replace(tzinfo=dt.UTC).astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _constant_offset(tz: ZoneInfo, utc: dt.datetime) -> tuple[dt.timedelta, dt.datetime]:
    """The offset at naive UTC ``utc`` and when it next changes (or a day on, if later).

    Steps an hour at a time, then halves the hour down to the second (offsets change at
    whole seconds).
    """
    offset = _offset_at(tz, utc)
    probe = utc
    while probe - utc < _HORIZON:
        step = probe + _STEP
        if _offset_at(tz, step) != offset:
            low = probe.replace(microsecond=0)  # offset(low) == offset: changes are on seconds
            high = step
            while high - low > _SECOND:
                mid = low + ((high - low) // 2 // _SECOND) * _SECOND
                if _offset_at(tz, mid) == offset:
                    low = mid
                else:
                    high = mid
            return offset, high
        probe = step
    return offset, probe


_MAX_DAYS = 3660  # a calendar whose working days never come (all holidays) is refused


def add_working_hours(moment: dt.datetime, hours: float, calendar: WorkingCalendar) -> dt.datetime:
    """The aware datetime ``hours`` working hours after ``moment`` (which must be aware).

    Working time is every instant whose wall-clock time in the calendar's zone falls in the
    daily window of a working day. Across a daylight-saving change the window keeps its wall
    times (09:00-18:00 stays 09:00-18:00) and an hour of work is an hour of real time: the
    search walks stretches of constant UTC offset, does the arithmetic in wall time within
    each stretch and converts back with that stretch's offset. A repeated wall hour (clocks
    going back) inside the window counts twice; a skipped one (clocks going forward), never.
    """
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if hours < 0 or not math.isfinite(hours):
        raise ValueError("hours must be a non-negative number")
    remaining = dt.timedelta(hours=hours)
    now = moment.astimezone(dt.UTC).replace(tzinfo=None)  # naive UTC from here on
    first_day = moment.astimezone(calendar.tz).date()
    while True:
        offset, until = _constant_offset(calendar.tz, now)
        # Wall time (naive) over [now, until) under this offset.
        wall, wall_end = now + offset, until + offset
        day = wall.date()
        while dt.datetime.combine(day, calendar.start) < wall_end:
            if (day - first_day).days > _MAX_DAYS:
                raise ValueError("the calendar has no working time in the next ten years")
            if calendar.is_working_day(day):
                begin = max(wall, dt.datetime.combine(day, calendar.start))
                end = min(wall_end, dt.datetime.combine(day, calendar.end))
                if begin < end:
                    if remaining <= end - begin:
                        utc = begin + remaining - offset
                        return utc.replace(tzinfo=dt.UTC).astimezone(moment.tzinfo)
                    remaining -= end - begin
            day += dt.timedelta(days=1)
        now = until
