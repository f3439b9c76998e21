"""Claim and claim-invitation state tables and the evidence checks, without a database."""

from __future__ import annotations

import pytest

from shisaku.accounts.choices import TEAM_INVITATION_TRANSITIONS, TeamInvitationStatus
from shisaku.claims.choices import (
    CLAIM_TRANSITIONS,
    POOL_INVITATION_TRANSITIONS,
    RESENDABLE,
    ClaimStatus,
    PoolInvitationStatus,
)
from shisaku.claims.evidence import email_on_domain, registration_number_check, web_domain
from shisaku.core.transitions import transition_allowed
from shisaku.errors import InputError


@pytest.mark.parametrize(("table", "choices"), [
    (CLAIM_TRANSITIONS, ClaimStatus), (POOL_INVITATION_TRANSITIONS, PoolInvitationStatus),
    (TEAM_INVITATION_TRANSITIONS, TeamInvitationStatus)])
def test_every_state_has_a_row_and_targets_are_states(table: dict, choices: type) -> None:
    assert set(table) == set(choices.values)
    for targets in table.values():
        assert targets <= set(choices.values)


def test_decided_claims_never_change() -> None:
    for final in (ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN):
        assert not any(transition_allowed(CLAIM_TRANSITIONS, final, s) for s in ClaimStatus.values)
    assert transition_allowed(CLAIM_TRANSITIONS, ClaimStatus.AWAITING_EMAIL, ClaimStatus.PENDING)
    assert not transition_allowed(CLAIM_TRANSITIONS, ClaimStatus.PENDING,
                                  ClaimStatus.AWAITING_EMAIL)


def test_a_bounced_or_claimed_invitation_is_never_sent_again() -> None:
    for final in (PoolInvitationStatus.BOUNCED, PoolInvitationStatus.CLAIMED):
        assert POOL_INVITATION_TRANSITIONS[final] == frozenset()
        assert final not in RESENDABLE
    for state in RESENDABLE:
        assert transition_allowed(POOL_INVITATION_TRANSITIONS, state, PoolInvitationStatus.SENT)


@pytest.mark.parametrize(("country", "number", "compact"), [
    ("KR", "134-86-72683", "1348672683"),
    ("JP", "5-8356-7825-6246", "5835678256246"),
    ("CN", "91110000600037341L", "91110000600037341L"),
    ("TW", "00501503", "00501503"),
    ("VN", "0100233488", "0100233488"),
])
def test_valid_registration_numbers_by_country(country: str, number: str, compact: str) -> None:
    assert registration_number_check(number=number, country=country) == compact


@pytest.mark.parametrize(("country", "number", "says"), [
    ("KR", "134-86-72684", "check digit"),      # the kind: a wrong check digit
    ("JP", "6835678256246", "check digit"),
    ("KR", "5835678256246", "number of digits"),  # a Japanese number for a Korean firm
    ("JP", "1348672683", "number of digits"),     # a Korean number for a Japanese firm
    ("TW", "0050150A", "format"),
    ("DE", "1348672683", "cannot be checked"),
])
def test_invalid_registration_numbers_name_the_field_and_reason(country: str, number: str,
                                                                says: str) -> None:
    with pytest.raises(InputError) as err:
        registration_number_check(number=number, country=country)
    assert err.value.field == "registration_number" and says in err.value.reason


def test_email_must_be_on_the_firms_web_domain() -> None:
    assert web_domain("https://www.daehan.co.kr/about") == "daehan.co.kr"
    assert email_on_domain(email="Kim@Daehan.co.kr", website="https://www.daehan.co.kr") == \
        "kim@daehan.co.kr"
    assert email_on_domain(email="kim@mail.daehan.co.kr", website="daehan.co.kr")
    for bad in ("kim@gmail.com", "kim@evildaehan.co.kr", "kim@daehan.co.kr.evil.com"):
        with pytest.raises(InputError) as err:
            email_on_domain(email=bad, website="https://www.daehan.co.kr")
        assert err.value.field == "email"
    with pytest.raises(InputError, match="no website"):
        email_on_domain(email="kim@daehan.co.kr", website="")
