"""A firm cannot inflate its rating with a startup account of its own (issue #11): ratings
count once per real award between unrelated organisations - no shared member, no shared
e-mail domain other than public webmail - and one startup weighs once per firm."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from shisaku.accounts.models import Membership, Organisation, User
from shisaku.directory.models import Manufacturer
from shisaku.projects import services as projects
from shisaku.rfq import selectors, services
from shisaku.rfq.models import Rating
from tests.apps.test_rfq_support import deliver_award, make_world

pytestmark = pytest.mark.django_db


def _award_and_rate(world: Any, owner: User, org: Organisation, firm: str,
                    score: int) -> Rating:
    now = timezone.now()
    project = projects.project_create(actor=owner, organisation=org, data={
        "title": "Shell", "qty_pilot": 10, "currency": "KRW",
        "coordinator": world.coordinator.pk})
    parts = [projects.part_create(actor=owner, project=project, data={
        "name": "Case", "process_hints": ["cnc_milling"], "material": "aluminum_6061"})]
    rfq = services.rfq_create(actor=owner, project=project, part_ids=[p.pk for p in parts],
                              quantity_tiers=[10], quote_deadline=now + dt.timedelta(days=7),
                              now=now)
    (inv,) = services.rfq_send(actor=owner, rfq=rfq,
                               manufacturer_ids=[world.firms[firm].pk], now=now)
    quote = services.quote_submit(actor=world.makers[firm], invitation=inv,
                                  lines=[{"part": parts[0].pk, "tier": 10, "unit_price": "5"}],
                                  currency="USD", lead_time_days=5,
                                  valid_until=(now + dt.timedelta(days=9)).date())
    services.award_create(actor=owner, rfq=rfq, quote_id=quote.pk)
    deliver_award(world, rfq, owner=owner)  # a rating comes after delivery
    return services.rating_create(actor=owner, rfq=rfq, quality=score, on_time=score,
                                  communication=score)


def _startup(username: str, email: str) -> tuple[User, Organisation]:
    user = User.objects.create_user(username=username, email=email)
    org = Organisation.objects.create(kind="startup", name=f"{username} co",
                                      slug=f"{username}-co", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    return user, org


def _rating(firm: str) -> tuple[float, int]:
    m = Manufacturer.objects.get(slug=firm)
    return m.rating, m.rating_count


def test_a_sock_puppet_startup_of_the_firm_does_not_count() -> None:
    world = make_world()
    before = _rating("alpha")
    maker = world.makers["alpha"]
    # the firm's own member opens a startup and awards the firm
    org = Organisation.objects.create(kind="startup", name="Sock", slug="sock", country="KR")
    Membership.objects.create(user=maker, organisation=org, role="owner")
    rating = _award_and_rate(world, maker, org, "alpha", 5)
    assert not rating.counts and rating.excluded_reason == "related_member"
    assert _rating("alpha") == before
    assert selectors.scorecard(world.firms["alpha"]) is None


def test_a_startup_sharing_the_firms_company_domain_does_not_count() -> None:
    world = make_world()
    maker = world.makers["bravo"]
    maker.email = "sales@bravo-machining.co.kr"
    maker.save(update_fields=["email"])
    before = _rating("bravo")
    owner, org = _startup("puppet", "ceo@Bravo-Machining.co.kr")
    rating = _award_and_rate(world, owner, org, "bravo", 5)
    assert rating.excluded_reason == "related_domain" and _rating("bravo") == before


def test_webmail_domains_prove_no_relation_and_real_ratings_count() -> None:
    world = make_world()
    maker = world.makers["charlie"]
    maker.email = "charlie.shop@naver.com"
    maker.save(update_fields=["email"])
    rating_before, count_before = _rating("charlie")
    owner, org = _startup("real", "founder@naver.com")
    rating = _award_and_rate(world, owner, org, "charlie", 1)
    assert rating.counts and rating.excluded_reason == ""
    value, count = _rating("charlie")
    assert count == count_before + 1 and value < rating_before


def test_one_startup_weighs_once_per_firm() -> None:
    world = make_world()
    owner, org = _startup("repeat", "a@startup-one.io")
    _award_and_rate(world, owner, org, "delta", 5)
    after_first = _rating("delta")
    for _ in range(3):  # three more awards by the same startup
        _award_and_rate(world, owner, org, "delta", 5)
    assert _rating("delta") == after_first
    assert Rating.objects.filter(manufacturer=world.firms["delta"], counts=True).count() == 1
    assert set(Rating.objects.filter(counts=False).values_list("excluded_reason",
                                                               flat=True)) == {"repeat_startup"}
    # a changed opinion replaces the old vote instead of adding one
    _award_and_rate(world, owner, org, "delta", 1)
    value, count = _rating("delta")
    assert count == after_first[1] and value < after_first[0]
