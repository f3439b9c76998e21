"""Claim workflows as a firm and a coordinator meet them (services, pytest-django)."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail

from shisaku.claims import services
from shisaku.claims.models import Claim
from shisaku.directory.selectors import manufacturers_editable_by
from shisaku.errors import InputError
from tests.apps.test_claims_support import (
    JP_CN,
    KR_BRN,
    KR_BRN_BAD,
    ClaimWorld,
    link_in,
    make_world,
    outbox_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> ClaimWorld:
    return make_world()


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def test_claim_with_a_valid_registration_number_then_approval(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    claim = services.claim_submit(manufacturer=firm, user=w.kim, registration_number=KR_BRN)
    assert claim.status == "pending" and claim.registration_number == "1348672683"
    assert not manufacturers_editable_by(w.kim).exists()
    services.claim_approve(claim=claim, actor=w.coord_gb)
    firm.refresh_from_db()
    assert firm.organisation is not None and firm.organisation.kind == "manufacturer"
    assert firm.organisation.memberships.get().user == w.kim
    assert firm.organisation.memberships.get().role == "owner"
    assert list(manufacturers_editable_by(w.kim)) == [firm]
    notice = outbox_to("kim@example.org")[-1]
    assert "approved" in notice.subject and f"/manufacturers/{firm.pk}/edit" in notice.body


@pytest.mark.parametrize(("firm", "number", "says"), [
    ("daehan", KR_BRN_BAD, "check digit"),
    ("daehan", JP_CN, "number of digits"),       # a Japanese number for a Korean firm
    ("yamada", KR_BRN, "number of digits"),      # a Korean number for a Japanese firm
])
def test_a_bad_registration_number_is_a_field_error_and_stores_nothing(
        w: ClaimWorld, firm: str, number: str, says: str) -> None:
    with pytest.raises(InputError) as err:
        services.claim_submit(manufacturer=w.firms[firm], user=w.kim, registration_number=number)
    assert err.value.field == "registration_number" and says in err.value.reason
    assert not Claim.objects.exists()


def test_no_evidence_is_refused(w: ClaimWorld) -> None:
    with pytest.raises(InputError):
        services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim)


def test_domain_email_is_verified_once_by_its_link(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    claim = services.claim_submit(manufacturer=firm, user=w.kim, email="kim@daehan.co.kr")
    assert claim.status == "awaiting_email"
    message = outbox_to("kim@daehan.co.kr")[-1]
    token = _token(link_in(message))
    verified = services.claim_email_verify(token=token)
    assert isinstance(verified, Claim) and verified.status == "pending"
    assert verified.email_verified_at is not None
    again = services.claim_email_verify(token=token)
    assert getattr(again, "code", None) == "used"
    assert services.claim_email_verify(token=token[:-2] + "xx").code == "forged"  # type: ignore[union-attr]


def test_an_expired_verification_link_changes_nothing(w: ClaimWorld) -> None:
    claim = services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                                  email="kim@daehan.co.kr")
    token = _token(link_in(outbox_to("kim@daehan.co.kr")[-1]))
    later = time.time() + (services.EMAIL_LINK_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert services.claim_email_verify(token=token).code == "expired"  # type: ignore[union-attr]
    claim.refresh_from_db()
    assert claim.status == "awaiting_email" and claim.email_verified_at is None


def test_auto_approval_of_a_verified_domain_email(w: ClaimWorld, settings: Any) -> None:
    settings.SHISAKU_CLAIM_AUTO_APPROVE_DOMAIN = True
    services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim, email="kim@daehan.co.kr")
    token = _token(link_in(outbox_to("kim@daehan.co.kr")[-1]))
    claim = services.claim_email_verify(token=token)
    assert isinstance(claim, Claim) and claim.status == "approved"
    assert list(manufacturers_editable_by(w.kim)) == [w.firms["daehan"]]


def test_without_the_setting_a_verified_email_waits_for_a_coordinator(w: ClaimWorld) -> None:
    services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim, email="kim@daehan.co.kr")
    claim = services.claim_email_verify(token=_token(link_in(outbox_to("kim@daehan.co.kr")[-1])))
    assert isinstance(claim, Claim) and claim.status == "pending"
    assert not manufacturers_editable_by(w.kim).exists()


def test_an_email_off_the_domain_is_a_field_error(w: ClaimWorld) -> None:
    with pytest.raises(InputError) as err:
        services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                              email="kim@gmail.com")
    assert err.value.field == "email"
    with pytest.raises(InputError, match="no website"):
        services.claim_submit(manufacturer=w.firms["gumi"], user=w.kim, email="kim@gumi.example")
    assert not mail.outbox


def test_two_claims_on_one_profile_the_coordinator_sees_both(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    first = services.claim_submit(manufacturer=firm, user=w.kim, registration_number=KR_BRN)
    second = services.claim_submit(manufacturer=firm, user=w.lee, registration_number=KR_BRN)
    with pytest.raises(InputError, match="waiting already"):
        services.claim_submit(manufacturer=firm, user=w.kim, registration_number=KR_BRN)
    from shisaku.claims.selectors import claims_queue

    assert {c.pk for c in claims_queue(w.coord_gb)} == {first.pk, second.pk}
    services.claim_approve(claim=second, actor=w.coord_gb)
    first.refresh_from_db()
    assert (first.status, first.reject_reason) == ("rejected", "profile_claimed")
    # A claim on a managed profile is recorded as contested and cannot simply be approved.
    third = services.claim_submit(manufacturer=firm, user=w.kim, registration_number=KR_BRN)
    assert third.contested and third.status == "pending"
    with pytest.raises(InputError, match="managed by an organisation"):
        services.claim_approve(claim=third, actor=w.coord_gb)
    firm.refresh_from_db()
    assert firm.organisation.memberships.get().user == w.lee


def test_only_a_coordinator_of_the_region_decides(w: ClaimWorld) -> None:
    claim = services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                                  registration_number=KR_BRN)
    for outsider in (w.coord_jp, w.startup, w.lee):
        with pytest.raises(PermissionError):
            services.claim_approve(claim=claim, actor=outsider)
        with pytest.raises(PermissionError):
            services.claim_reject(claim=claim, actor=outsider, reason="other")
    claim.refresh_from_db()
    assert claim.status == "pending"
    services.claim_reject(claim=claim, actor=w.staff, reason="evidence_insufficient",
                          note="Call us")
    claim.refresh_from_db()
    assert claim.status == "rejected"
    notice = outbox_to("kim@example.org")[-1]
    assert "not approved" in notice.subject and "Call us" in notice.body


def test_decision_mail_is_in_the_applicants_language(w: ClaimWorld) -> None:
    w.kim.preferred_language = "ko"
    w.kim.save()
    claim = services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                                  registration_number=KR_BRN)
    services.claim_approve(claim=claim, actor=w.coord_gb)
    notice = outbox_to("kim@example.org")[-1]
    assert "승인" in notice.subject
    assert notice.body.count("http://127.0.0.1:8000/manufacturers/") == 1


def test_reject_needs_a_reason_from_the_list(w: ClaimWorld) -> None:
    claim = services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                                  registration_number=KR_BRN)
    with pytest.raises(InputError):
        services.claim_reject(claim=claim, actor=w.coord_gb, reason="because")
