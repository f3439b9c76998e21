"""Working-hours deadlines (pure): nights, weekends and holidays do not count."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shisaku.rfq.working_hours import add_working_hours, parse_calendar

SEOUL = ZoneInfo("Asia/Seoul")
CAL = parse_calendar("09:00-18:00 mon-fri", "Asia/Seoul", holidays=["2026-12-25"])


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SEOUL)


@pytest.mark.parametrize("start, hours, end", [
    (at(2026, 11, 23, 10), 2, at(2026, 11, 23, 12)),          # Monday morning
    (at(2026, 11, 23, 17), 2, at(2026, 11, 24, 10)),          # over the night
    (at(2026, 11, 27, 17), 2, at(2026, 11, 30, 10)),          # Friday -> Monday
    (at(2026, 11, 28, 11), 2, at(2026, 11, 30, 11)),          # sent on Saturday
    (at(2026, 11, 23, 7), 2, at(2026, 11, 23, 11)),           # before opening
    (at(2026, 12, 24, 17, 30), 1, at(2026, 12, 28, 9, 30)),   # Christmas and a weekend
    (at(2026, 11, 23, 16), 2, at(2026, 11, 23, 18)),          # ends exactly at closing
])
def test_examples(start: dt.datetime, hours: float, end: dt.datetime) -> None:
    assert add_working_hours(start, hours, CAL) == end


def test_utc_in_utc_out() -> None:
    start = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # 17:00 in Seoul
    end = add_working_hours(start, 2, CAL)
    assert end.tzinfo == dt.UTC and end == dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("spec", ["9-18", "18:00-09:00", "09:00-18:00 mon-xyz", ""])
def test_bad_calendars_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_calendar(spec, "Asia/Seoul")


@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
       st.floats(min_value=0, max_value=60))
def test_never_earlier_than_clock_time_and_monotone(naive: dt.datetime, hours: float) -> None:
    start = naive.replace(tzinfo=SEOUL)
    end = add_working_hours(start, hours, CAL)
    assert end >= start + dt.timedelta(hours=hours) - dt.timedelta(microseconds=1)
    assert add_working_hours(start, hours + 1, CAL) > end


@pytest.mark.django_db
def test_invitations_get_a_working_hours_deadline(settings: Any) -> None:
    """Sent on a Friday at 17:00 in Seoul: acknowledge by Monday 10:00 (2 working hours)."""
    from tests.apps.test_rfq_support import make_rfq, make_world

    settings.SHISAKU_WORKING_HOURS = "09:00-18:00 mon-fri"
    settings.SHISAKU_ACK_HOURS = 2
    world = make_world()
    _rfq, invitations = make_rfq(world, now=at(2026, 11, 27, 17))
    assert {inv.ack_deadline.astimezone(SEOUL) for inv in invitations} == {at(2026, 11, 30, 10)}
