"""The order state table, without a database."""

from __future__ import annotations

import itertools

import pytest

from shisaku.core import events
from shisaku.orders.choices import (
    OPEN_STATES,
    ORDER_TRANSITIONS,
    OrderStatus,
    check_transition,
    transition_allowed,
)
from shisaku.rfq.choices import IllegalTransition

HAPPY = ["placed", "confirmed", "in_production", "fa_submitted", "fa_approved", "shipped",
         "shipped", "delivered", "closed"]


def test_the_happy_path_is_allowed_step_by_step() -> None:
    for current, target in itertools.pairwise(HAPPY):
        assert transition_allowed("order", current, target), (current, target)


def test_a_rejected_first_article_goes_back_to_production() -> None:
    assert transition_allowed("order", "fa_submitted", "in_production")
    assert not transition_allowed("order", "fa_submitted", "shipped")


@pytest.mark.parametrize("state", sorted(OPEN_STATES - {OrderStatus.DELIVERED}))
def test_every_open_state_before_delivery_may_be_cancelled_or_disputed(state: str) -> None:
    assert transition_allowed("order", state, "cancelled")
    assert transition_allowed("order", state, "disputed")


def test_terminal_states_allow_nothing_and_skipping_is_refused() -> None:
    for terminal in ("closed", "cancelled"):
        assert ORDER_TRANSITIONS[terminal] == frozenset()
    with pytest.raises(IllegalTransition) as info:
        check_transition("order", "placed", "shipped")
    assert info.value.current == "placed" and info.value.target == "shipped"
    assert not transition_allowed("order", "delivered", "cancelled")


def test_every_state_has_a_row_and_every_target_is_a_state() -> None:
    states = set(OrderStatus.values)
    assert set(ORDER_TRANSITIONS) == states
    assert all(targets <= states for targets in ORDER_TRANSITIONS.values())


def test_domain_events_call_subscribers_in_order_and_return_their_answers() -> None:
    name = "test.orders.pure"
    calls: list[str] = []

    def first(**kw: object) -> str:
        calls.append("first")
        return f"a{kw['x']}"

    def second(**kw: object) -> str:
        calls.append("second")
        return f"b{kw['x']}"

    events.subscribe(name, first)
    events.subscribe(name, second)
    events.subscribe(name, first)  # once only
    assert events.publish(name, x=1) == ["a1", "b1"] and calls == ["first", "second"]
    assert events.publish("test.orders.nobody", x=1) == []


def test_award_created_has_the_consortia_then_orders_subscribers() -> None:
    names = [h.__module__ for h in events.subscribers(events.AWARD_CREATED)]
    assert names == ["shisaku.consortia.services", "shisaku.orders.services"]
