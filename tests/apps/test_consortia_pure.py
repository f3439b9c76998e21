"""The transition tables of the window and of consortia, without a database."""

from __future__ import annotations

import pytest

from shisaku.consortia.choices import (
    CONSORTIUM_TRANSITIONS,
    INQUIRY_TRANSITIONS,
    MEMBER_TRANSITIONS,
    ConsortiumStatus,
    InquiryStatus,
    MemberState,
    transition_allowed,
)


@pytest.mark.parametrize(("table", "states"), [
    (INQUIRY_TRANSITIONS, InquiryStatus), (CONSORTIUM_TRANSITIONS, ConsortiumStatus),
    (MEMBER_TRANSITIONS, MemberState)])
def test_every_state_has_a_row_and_targets_are_states(table: dict, states: type) -> None:
    assert set(table) == set(states.values)
    for targets in table.values():
        assert targets <= set(states.values)


def test_consortium_lifecycle() -> None:
    t = CONSORTIUM_TRANSITIONS
    assert transition_allowed(t, "proposed", "inviting")
    assert transition_allowed(t, "inviting", "formed")
    assert transition_allowed(t, "inviting", "failed")
    assert transition_allowed(t, "failed", "proposed")
    assert not transition_allowed(t, "proposed", "formed")  # invitations first
    assert not transition_allowed(t, "formed", "failed")    # formed is final
    assert not transition_allowed(t, "formed", "proposed")
    assert not transition_allowed(t, "nonsense", "proposed")


def test_member_answers_are_final() -> None:
    t = MEMBER_TRANSITIONS
    assert transition_allowed(t, "invited", "accepted")
    assert transition_allowed(t, "invited", "declined")
    assert not transition_allowed(t, "declined", "accepted")
    assert not transition_allowed(t, "accepted", "declined")
    assert transition_allowed(t, "accepted", "released")


def test_inquiries_can_be_reopened_but_not_skip_nothing() -> None:
    t = INQUIRY_TRANSITIONS
    assert transition_allowed(t, "new", "triaged")
    assert transition_allowed(t, "closed", "new")
    assert not transition_allowed(t, "closed", "triaged")
    assert not transition_allowed(t, "new", "new")
