"""Working-hours deadlines (pure): nights, weekends and holidays do not count."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
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


# ---- daylight-saving changes (issue #12) ----------------------------------------------------

def utc(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


@pytest.mark.parametrize("zone, start, end", [
    # New York springs forward on Sunday 2024-03-10 at 02:00 EST: 01:30 EST + 2 h of work is
    # 04:30 EDT (08:30Z), not 03:30 EDT (07:30Z, what wall-clock arithmetic gave).
    ("America/New_York", utc(2024, 3, 10, 6, 30), utc(2024, 3, 10, 8, 30)),
    # Berlin falls back on Sunday 2024-10-27 at 03:00 CEST: 01:30 CEST + 2 h is 02:30 CET
    # (01:30Z), not 03:30 CET (02:30Z).
    ("Europe/Berlin", utc(2024, 10, 26, 23, 30), utc(2024, 10, 27, 1, 30)),
    # Our own: Sydney falls back on Sunday 2024-04-07 at 03:00 AEDT; 02:00 AEDT + 3 h.
    ("Australia/Sydney", utc(2024, 4, 6, 15, 0), utc(2024, 4, 6, 18, 0)),
])
def test_round_the_clock_calendar_counts_real_hours_over_dst(
        zone: str, start: dt.datetime, end: dt.datetime) -> None:
    calendar = parse_calendar("00:00-23:59 mon-sun", zone)
    assert add_working_hours(start, 2 if zone != "Australia/Sydney" else 3, calendar) == end


def test_office_hours_keep_their_wall_times_after_the_change() -> None:
    """Friday 17:00 EST + 2 working hours = Monday 10:00 EDT (the first day after the change)."""
    calendar = parse_calendar("09:00-18:00 mon-fri", "America/New_York")
    start = utc(2024, 3, 8, 22, 0)  # Friday 17:00 EST
    assert add_working_hours(start, 2, calendar) == utc(2024, 3, 11, 14, 0)  # Monday 10:00 EDT


def _reference(start: dt.datetime, minutes: int, calendar: Any) -> dt.datetime:
    """Minute by minute in UTC: a minute is working when its local wall time is."""
    moment = start
    counted = 0
    for _ in range(60 * 24 * 40):
        local = moment.astimezone(calendar.tz)
        working = (calendar.is_working_day(local.date())
                   and calendar.start <= local.time().replace(tzinfo=None) < calendar.end)
        if working:
            if counted == minutes:
                return moment
            counted += 1
            if counted == minutes:
                return moment + dt.timedelta(minutes=1)
        moment += dt.timedelta(minutes=1)
    raise AssertionError("no deadline within 40 days")


_ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe",
          "America/Sao_Paulo", "Asia/Tehran", "Pacific/Chatham", "Europe/London",
          "America/Santiago", "Africa/Casablanca", "Asia/Seoul", "Asia/Tokyo",
          "America/St_Johns", "Pacific/Apia"]


def _transitions(zone: str, year: int) -> list[dt.datetime]:
    tz = ZoneInfo(zone)
    found = []
    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    before = moment.astimezone(tz).utcoffset()
    while moment.year == year:
        moment += dt.timedelta(hours=1)
        now = moment.astimezone(tz).utcoffset()
        if now != before:
            found.append(moment)
            before = now
    return found


_NEAR = {zone: _transitions(zone, 2024) for zone in _ZONES}


@st.composite
def _cases(draw: Any) -> tuple[str, dt.datetime, int, Any]:
    zone = draw(st.sampled_from(_ZONES))
    near = _NEAR[zone]
    if near and draw(st.booleans()):
        anchor = draw(st.sampled_from(near))
        start = anchor + dt.timedelta(minutes=draw(st.integers(-36 * 60, 12 * 60)))
    else:
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=draw(st.integers(0, 366 * 24 * 60)))
    first = draw(st.integers(0, 23 * 60 - 1))
    last = draw(st.integers(first + 1, 24 * 60 - 1))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    calendar = parse_calendar("00:00-01:00", zone)
    calendar = type(calendar)(calendar.tz, dt.time(first // 60, first % 60),
                              dt.time(last // 60, last % 60), days)
    # At most two weeks of work, so the reference's minute walk stays short.
    minutes = draw(st.integers(0, min(30 * 60, 2 * (last - first) * len(days))))
    return zone, start, minutes, calendar


@hypothesis_settings(max_examples=150, deadline=None)
@given(_cases())
def test_matches_a_minute_by_minute_reference(case: tuple[str, dt.datetime, int, Any]) -> None:
    _zone, start, minutes, calendar = case
    assert add_working_hours(start, minutes / 60, calendar) == _reference(start, minutes, calendar)


@pytest.mark.django_db
def test_invitations_get_a_working_hours_deadline(settings: Any) -> None:
    """Sent on a Friday at 17:00 in Seoul: acknowledge by Monday 10:00 (2 working hours)."""
    from tests.apps.test_rfq_support import make_rfq, make_world

    settings.SHISAKU_WORKING_HOURS = "09:00-18:00 mon-fri"
    settings.SHISAKU_ACK_HOURS = 2
    world = make_world()
    _rfq, invitations = make_rfq(world, now=at(2026, 11, 27, 17))
    assert {inv.ack_deadline.astimezone(SEOUL) for inv in invitations} == {at(2026, 11, 30, 10)}
