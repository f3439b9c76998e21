"""RFQ rules without a database: transition tables, reply-time statistics, comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.rfq import choices
from shisaku.rfq.choices import (
    INVITATION_TRANSITIONS,
    QUOTE_TRANSITIONS,
    RFQ_TRANSITIONS,
    IllegalTransition,
    InvitationStatus,
    QuoteStatus,
    RFQStatus,
    check_transition,
    transition_allowed,
)
from shisaku.rfq.comparison import QuoteRow, compare, convert, tier_for
from shisaku.rfq.stats import InvitationEvents, percentile, reply_figures

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("table", "states"), [
    (RFQ_TRANSITIONS, RFQStatus), (INVITATION_TRANSITIONS, InvitationStatus),
    (QUOTE_TRANSITIONS, QuoteStatus)])
def test_tables_cover_every_state_and_name_only_known_states(table: dict, states: type) -> None:
    assert set(table) == set(states.values)
    for targets in table.values():
        assert targets <= set(states.values)


def test_rfq_lifecycle() -> None:
    assert transition_allowed("rfq", "draft", "sent")
    assert transition_allowed("rfq", "sent", "awarded")
    assert transition_allowed("rfq", "closed", "awarded")
    assert not transition_allowed("rfq", "draft", "awarded")   # nothing sent, nothing to award
    assert not transition_allowed("rfq", "awarded", "awarded")  # exactly once
    assert not transition_allowed("rfq", "cancelled", "sent")


def test_invitation_lifecycle() -> None:
    assert transition_allowed("invitation", "sent", "viewed")
    assert transition_allowed("invitation", "viewed", "acknowledged")
    assert transition_allowed("invitation", "sent", "quoted")   # a quote acknowledges too
    assert transition_allowed("invitation", "quoted", "quoted")  # a revision
    assert not transition_allowed("invitation", "quoted", "declined")
    assert not transition_allowed("invitation", "declined", "quoted")
    assert not transition_allowed("invitation", "acknowledged", "viewed")


def test_quote_lifecycle() -> None:
    assert transition_allowed("quote", "submitted", "revised")
    assert transition_allowed("quote", "submitted", "awarded")
    assert not transition_allowed("quote", "revised", "awarded")   # only the live revision
    assert not transition_allowed("quote", "expired", "awarded")
    assert not transition_allowed("quote", "lost", "awarded")


def test_check_transition_raises_with_current_state() -> None:
    check_transition("rfq", "draft", "sent")
    with pytest.raises(IllegalTransition) as info:
        check_transition("rfq", "awarded", "awarded")
    assert info.value.as_dict()["current"] == "awarded"
    assert info.value.entity == "rfq"
    assert "__all__" in dir(choices)


def test_percentile_matches_known_values() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 90) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == pytest.approx(9.1)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=40),
       st.floats(0, 100))
def test_percentile_agrees_with_numpy(values: list[float], q: float) -> None:
    import numpy as np
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)), abs=1e-6)


def test_reply_figures_from_events() -> None:
    h = timedelta(hours=1)
    events = [
        InvitationEvents(T0, T0 + 2 * h, acknowledged_at=T0 + h, replied_at=T0 + 5 * h,
                         first_quote_at=T0 + 5 * h),
        InvitationEvents(T0, T0 + 2 * h, replied_at=T0 + 3 * h),  # declined after 3 h
        InvitationEvents(T0, T0 + 2 * h),                          # silent, overdue
        InvitationEvents(T0 + 10 * h, T0 + 12 * h),                # silent, still in time
    ]
    fig = reply_figures(events, now=T0 + 11 * h)
    assert fig.ack_median_hours == 2.0          # median of 1 h and 3 h
    assert fig.quote_median_hours == 5.0
    assert fig.counted == 3 and fig.answered == 2
    assert fig.response_rate == pytest.approx(0.6667)


def test_reply_figures_without_events() -> None:
    fig = reply_figures([], now=T0)
    assert fig.ack_median_hours is None and fig.response_rate is None


def test_convert_via_usd_and_missing_rates() -> None:
    rates = {"KRW": Decimal("0.00075"), "JPY": Decimal("0.0066")}
    assert convert(Decimal(100), "USD", "USD", rates) == 100
    assert convert(Decimal(1000), "KRW", "USD", rates) == Decimal("0.75")
    assert convert(Decimal(66), "JPY", "KRW", rates) == pytest.approx(Decimal("580.8"))
    assert convert(Decimal(1), "EUR", "USD", rates) is None


def test_tier_for_price_breaks() -> None:
    assert tier_for(5, [10, 300]) == 10       # below the smallest tier: the smallest tier
    assert tier_for(299, [10, 300]) == 10
    assert tier_for(300, [300, 10]) == 300
    assert tier_for(10**6, [10, 300, 5000]) == 5000
    assert tier_for(10, []) is None


def test_compare_totals_in_one_currency() -> None:
    rates = {"KRW": Decimal("0.001")}
    a = QuoteRow(1, "USD", {(7, 10): Decimal("5"), (7, 300): Decimal("2"),
                            (8, 10): Decimal("1")}, Decimal("100"))
    b = QuoteRow(2, "KRW", {(7, 10): Decimal("4000"), (8, 10): Decimal("500")}, Decimal(0))
    c = QuoteRow(3, "EUR", {(7, 10): Decimal("1"), (8, 10): Decimal("1")})
    res = compare([a, b, c], parts={7: 1, 8: 2}, tiers=[10, 300], quantity=300,
                  currency="USD", rates=rates)
    # a: part 7 at the 300 tier (2 x 300) + part 8 (600 pieces) at its only tier 10 (1 x 600)
    assert res[0].total == Decimal("1300.00")
    assert res[0].unit[(8, 300)] is None
    # b: 4 USD x 300 + 0.5 USD x 600
    assert res[1].total == Decimal("1500.00") and res[1].complete
    assert res[2].total is None and res[2].rate_missing
    partial = compare([QuoteRow(4, "USD", {(7, 10): Decimal(1)})], parts={7: 1, 8: 1},
                      tiers=[10], quantity=10, currency="USD", rates={})
    assert partial[0].total is None and not partial[0].complete
