"""The quotation workflow's services: create, send, reply, quote revisions, award, the
reply-deadline job with a moved clock and the reply-time statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from shisaku.core.models import AuditEvent
from shisaku.core.services import generation_current
from shisaku.errors import InputError
from shisaku.notifications.models import Notification, NotificationMute
from shisaku.rfq import services
from shisaku.rfq.choices import IllegalTransition
from shisaku.rfq.models import (
    Award,
    Invitation,
    Quote,
    ReplyStats,
)
from tests.apps.test_rfq_support import deliver_award, make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    return make_world()


def _quote(world: Any, inv: Invitation, now: dt.datetime, price: str = "12.50") -> Quote:
    return services.quote_submit(
        actor=world.makers[inv.manufacturer.slug], invitation=inv, lines=quote_lines(world, price),
        currency="USD", tooling_cost="500", lead_time_days=20,
        valid_until=(now + dt.timedelta(days=30)).date(), now=now)


def test_create_refuses_parts_not_ready_with_field_and_reason(world: Any) -> None:
    from shisaku.projects import services as projects
    bare = projects.project_create(actor=world.owner, organisation=world.startup,
                                   data={"title": "No coordinator"})
    part = projects.part_create(actor=world.owner, project=bare,
                                data={"name": "Bracket", "process_hints": ["cnc_milling"]})
    with pytest.raises(InputError) as info:
        services.rfq_create(actor=world.owner, project=bare, part_ids=[part.pk],
                            quantity_tiers=[10], quote_deadline=timezone.now() + HOUR)
    assert info.value.field == "parts" and "Bracket" in info.value.reason
    with pytest.raises(InputError) as info:  # a part of another project
        services.rfq_create(actor=world.owner, project=world.project, part_ids=[part.pk],
                            quantity_tiers=[10], quote_deadline=timezone.now() + HOUR)
    assert info.value.field == "parts"


@pytest.mark.parametrize(("tiers", "deadline_h", "field"), [
    ([], 5, "quantity_tiers"), ([0], 5, "quantity_tiers"), (["ten"], 5, "quantity_tiers"),
    ([1, 2, 3, 4, 5, 6, 7], 5, "quantity_tiers"), ([10], -1, "quote_deadline")])
def test_create_validates_tiers_and_deadline(world: Any, tiers: list[Any], deadline_h: int,
                                             field: str) -> None:
    with pytest.raises(InputError) as info:
        services.rfq_create(actor=world.owner, project=world.project,
                            part_ids=[world.parts[0].pk], quantity_tiers=tiers,
                            quote_deadline=timezone.now() + deadline_h * HOUR)
    assert info.value.field == field


def test_create_sorts_tiers_and_audits(world: Any) -> None:
    rfq = services.rfq_create(actor=world.owner, project=world.project,
                              part_ids=[world.parts[0].pk], quantity_tiers=[5000, "300", 10, 10],
                              quote_deadline=timezone.now() + HOUR)
    assert rfq.quantity_tiers == [10, 300, 5000] and rfq.status == "draft"
    assert AuditEvent.objects.filter(action="rfq.create", object_id=str(rfq.pk)).exists()


def test_default_invitations_are_the_top_matches(world: Any) -> None:
    rfq = services.rfq_create(actor=world.owner, project=world.project,
                              part_ids=[p.pk for p in world.parts], quantity_tiers=[10, 300],
                              quote_deadline=timezone.now() + 24 * HOUR)
    candidates = services.rfq_candidates(rfq=rfq, limit=5)
    assert [m.slug for m, _s in candidates][:3] == ["alpha", "bravo", "charlie"]
    assert "outsider" not in [m.slug for m, _s in candidates]  # no CNC milling
    invitations = services.rfq_send(actor=world.owner, rfq=rfq)
    assert sorted(i.manufacturer.slug for i in invitations) == ["alpha", "bravo", "charlie"]
    assert rfq.status == "sent"
    inv = invitations[0]
    assert inv.ack_deadline - inv.sent_at == 2 * HOUR
    assert Notification.objects.filter(user=world.makers["alpha"], kind="invited").exists()
    with pytest.raises(IllegalTransition) as info:
        services.rfq_send(actor=world.owner, rfq=rfq, manufacturer_ids=[world.firms["echo"].pk])
    assert info.value.current == "sent"


def test_ack_hours_setting(world: Any, settings: Any) -> None:
    settings.SHISAKU_ACK_HOURS = 4
    _rfq, invs = make_rfq(world)
    assert invs[0].ack_deadline - invs[0].sent_at == 4 * HOUR


def test_firm_replies_and_revisions_keep_history(world: Any) -> None:
    now = timezone.now()
    _rfq, (a, b, _c) = make_rfq(world, now=now)
    services.invitation_view(actor=world.makers["alpha"], invitation=a, now=now + HOUR / 4)
    services.invitation_acknowledge(actor=world.makers["alpha"], invitation=a, now=now + HOUR / 2)
    first = _quote(world, a, now + 3 * HOUR, "12.50")
    second = _quote(world, a, now + 4 * HOUR, "11.00")
    first.refresh_from_db()
    assert (first.status, first.revision, second.status, second.revision) == (
        "revised", 1, "submitted", 2)
    assert second.lines.count() == 4 and first.lines.first().unit_price == Decimal("12.50")
    a.refresh_from_db()
    assert a.status == "quoted" and a.replied_at == now + 3 * HOUR
    with pytest.raises(IllegalTransition):  # a quoted invitation cannot be declined
        services.invitation_decline(actor=world.makers["alpha"], invitation=a, reason="price")
    with pytest.raises(InputError):
        services.invitation_decline(actor=world.makers["bravo"], invitation=b, reason="other")
    services.invitation_decline(actor=world.makers["bravo"], invitation=b,
                                reason="quantity_too_small", now=now + HOUR)
    b.refresh_from_db()
    assert b.status == "declined" and b.decline_reason == "quantity_too_small"
    assert Notification.objects.filter(user=world.owner, kind="declined").exists()
    assert Notification.objects.filter(user=world.owner, kind="quote").count() == 2


@pytest.mark.parametrize(("line", "field"), [
    ({"part": 0, "tier": 10, "unit_price": "1"}, "lines[0].part"),
    ({"tier": 11, "unit_price": "1"}, "lines[0].tier"),
    ({"tier": 10, "unit_price": "0"}, "lines[0].unit_price"),
    ({"tier": 10, "unit_price": "abc"}, "lines[0].unit_price")])
def test_quote_lines_are_validated(world: Any, line: dict[str, Any], field: str) -> None:
    _rfq, (a, *_rest) = make_rfq(world)
    line = {"part": world.parts[0].pk, **line}
    with pytest.raises(InputError) as info:
        services.quote_submit(actor=world.makers["alpha"], invitation=a, lines=[line],
                              currency="USD", lead_time_days=5,
                              valid_until=timezone.localdate() + dt.timedelta(days=3))
    assert info.value.field == field


def test_quote_after_deadline_is_a_conflict(world: Any) -> None:
    now = timezone.now()
    _rfq, (a, *_rest) = make_rfq(world, now=now)
    with pytest.raises(IllegalTransition) as info:
        _quote(world, a, now + dt.timedelta(days=8))
    assert "deadline" in str(info.value)


def test_award_once_and_losers_told_politely(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    qa = _quote(world, a, now + HOUR)
    qb = _quote(world, b, now + HOUR, "9.00")
    (award,) = services.award_create(actor=world.owner, rfq=rfq, quote_id=qb.pk)
    assert Award.objects.get(rfq=rfq) == award and award.part is None
    qa.refresh_from_db()
    assert qa.status == "lost" and rfq.status == "awarded"
    assert Notification.objects.filter(user=world.makers["bravo"], kind="award_won").exists()
    lost = Notification.objects.get(user=world.makers["alpha"], kind="award_lost")
    assert "Thank you" in lost.text
    assert Notification.objects.filter(user=world.makers["charlie"], kind="award_lost").exists()
    with pytest.raises(IllegalTransition) as info:
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qa.pk)
    assert info.value.current == "awarded"
    assert Award.objects.count() == 1


def test_award_refuses_foreign_expired_and_sealed_quotes(world: Any) -> None:
    now = timezone.now()
    rfq, (a, *_r) = make_rfq(world, now=now)
    _other, (x, *_r2) = make_rfq(world, now=now)
    qx = _quote(world, x, now + HOUR)
    with pytest.raises(InputError):
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qx.pk)
    qa = services.quote_submit(actor=world.makers["alpha"], invitation=a,
                               lines=quote_lines(world), currency="USD", lead_time_days=3,
                               valid_until=timezone.localdate(now), now=now)
    with pytest.raises(IllegalTransition):
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qa.pk,
                              now=now + dt.timedelta(days=2))
    sealed, (s, *_r3) = make_rfq(world, sealed=True, now=now)
    qs = _quote(world, s, now + HOUR)
    with pytest.raises(IllegalTransition) as info:
        services.award_create(actor=world.owner, rfq=sealed, quote_id=qs.pk, now=now + 2 * HOUR)
    assert "sealed" in str(info.value)


def test_deadline_job_with_moved_clock(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, c) = make_rfq(world, now=now)
    gen = generation_current(name="directory")
    _quote(world, a, now + 90 * dt.timedelta(minutes=1))
    assert generation_current(name="directory") > gen  # alpha's reply time: 1.0 -> 1.5 h
    assert world.firms["alpha"].__class__.objects.get(pk=a.manufacturer_id).reply_median_hours \
        == 1.5
    services.invitation_decline(actor=world.makers["bravo"], invitation=b, reason="capacity",
                                now=now + HOUR)
    assert services.reply_deadlines_check(now=now + HOUR)["overdue"] == 0
    counts = services.reply_deadlines_check(now=now + 3 * HOUR)
    assert counts == {"overdue": 1, "invited_next": 1, "expired": 0, "closed": 0}
    c.refresh_from_db()
    assert c.overdue_at == now + 3 * HOUR and c.status == "sent"
    nxt = Invitation.objects.get(rfq=rfq, replaces=c)
    assert nxt.manufacturer.slug == "delta"
    assert Notification.objects.filter(user=world.makers["charlie"], kind="overdue").exists()
    assert Notification.objects.filter(user=world.coord, kind="overdue").exists()
    assert Notification.objects.filter(user=world.owner, kind="next_invited").exists()
    assert Notification.objects.filter(user=world.makers["delta"], kind="invited").exists()
    assert services.reply_deadlines_check(now=now + 3 * HOUR)["overdue"] == 0  # once only
    stats = ReplyStats.objects.get(manufacturer=world.firms["charlie"])
    assert stats.response_rate == 0.0 and stats.ack_median_hours is None
    # A week later: the RFQ closes, delta is overdue on the quote deadline too.
    later = services.reply_deadlines_check(now=now + dt.timedelta(days=8))
    assert later["closed"] == 1 and later["invited_next"] == 0


def test_no_next_invite_without_opt_in(world: Any) -> None:
    now = timezone.now()
    rfq, _invs = make_rfq(world, auto_next=False, now=now)
    counts = services.reply_deadlines_check(now=now + 3 * HOUR)
    assert counts["overdue"] == 3 and counts["invited_next"] == 0
    assert rfq.invitations.count() == 3


def test_reply_stats_match_the_events(world: Any) -> None:
    now = timezone.now()
    firm = world.firms["alpha"]
    for hours in (1, 3):  # two RFQs: acknowledged after 1 h then 3 h, quoted after 5 h
        _rfq, (a, *_r) = make_rfq(world, firms=("alpha",), now=now)
        services.invitation_acknowledge(actor=world.makers["alpha"], invitation=a,
                                        now=now + hours * HOUR)
        _quote(world, a, now + 5 * HOUR)
    make_rfq(world, firms=("alpha",), auto_next=False, now=now)  # stays silent
    services.reply_deadlines_check(now=now + 6 * HOUR)
    stats = ReplyStats.objects.get(manufacturer=firm)
    assert stats.ack_median_hours == 2.0 and stats.ack_p90_hours == pytest.approx(2.8)
    assert stats.quote_median_hours == 5.0
    assert stats.response_rate == pytest.approx(2 / 3, abs=1e-3)
    firm.refresh_from_db()
    assert firm.reply_median_hours == 2.0


def test_messages_notify_the_other_side_and_mutes_hold(world: Any) -> None:
    _rfq, (a, *_r) = make_rfq(world)
    NotificationMute.objects.create(user=world.colleague, kind="message")
    services.message_post(actor=world.makers["alpha"], invitation=a, body="Anodised colour?",
                          from_manufacturer=True)
    assert Notification.objects.filter(user=world.owner, kind="message").exists()
    assert not Notification.objects.filter(user=world.colleague, kind="message").exists()
    services.message_post(actor=world.owner, invitation=a, body="Black.",
                          from_manufacturer=False)
    assert Notification.objects.filter(user=world.makers["alpha"], kind="message").exists()
    with pytest.raises(InputError):
        services.message_post(actor=world.owner, invitation=a, body="  ",
                              from_manufacturer=False)
    assert a.messages.count() == 2


def test_notifications_are_mailed_after_commit(world: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_rfq(world, firms=("alpha",))
    assert [m.to for m in mail.outbox] == [["maker-alpha@example.org"]]
    assert "request for quotation" in mail.outbox[0].subject.lower()


def test_small_reply_time_moves_do_not_rebuild_matching(world: Any) -> None:
    now = timezone.now()
    _rfq, (a, *_r) = make_rfq(world, firms=("alpha",), now=now)
    gen = generation_current(name="directory")
    services.invitation_acknowledge(actor=world.makers["alpha"], invitation=a,
                                    now=now + dt.timedelta(minutes=62))  # 1.03 h vs 1.0 h
    assert generation_current(name="directory") == gen
    assert ReplyStats.objects.get(manufacturer=world.firms["alpha"]).ack_median_hours == 1.03


def test_message_files_only_for_the_two_sides(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    _rfq, (a, b, _c) = make_rfq(world)
    msg = services.message_post(actor=world.makers["alpha"], invitation=a, body="See drawing",
                                from_manufacturer=True,
                                upload=SimpleUploadedFile("note.txt", b"tolerance 0.05"))
    for user, status in ((world.owner, 200), (world.coord, 200),
                         (world.makers["alpha"], 200), (world.makers["bravo"], 404),
                         (world.other_startup, 404)):
        client = Client()
        client.force_login(user)
        response = client.get(f"/rfqs/messages/{msg.pk}/file")
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == b"tolerance 0.05"
    assert b.messages.count() == 0


def test_rating_after_award_feeds_the_directory(world: Any) -> None:
    from shisaku.rfq.models import Rating
    now = timezone.now()
    rfq, (a, *_r) = make_rfq(world, now=now)
    with pytest.raises(IllegalTransition):  # nothing awarded yet
        services.rating_create(actor=world.owner, rfq=rfq, quality=5, on_time=5,
                               communication=5)
    q = _quote(world, a, now + HOUR)
    services.award_create(actor=world.owner, rfq=rfq, quote_id=q.pk)
    with pytest.raises(IllegalTransition) as early:  # a rating comes after delivery
        services.rating_create(actor=world.owner, rfq=rfq, quality=5, on_time=5,
                               communication=5)
    assert "delivered" in early.value.reason
    deliver_award(world, rfq)
    with pytest.raises(InputError) as info:
        services.rating_create(actor=world.owner, rfq=rfq, quality=6, on_time=5,
                               communication=5)
    assert info.value.field == "quality"
    firm = world.firms["alpha"]
    firm.refresh_from_db()
    before, count = firm.rating, firm.rating_count   # 4.9 from 3 ratings (the fixture)
    gen = generation_current(name="directory")
    services.rating_create(actor=world.owner, rfq=rfq, quality=4, on_time=2, communication=3)
    firm.refresh_from_db()
    assert firm.rating_count == count + 1
    assert firm.rating == pytest.approx((before * count + 3.5) / (count + 1), abs=1e-3)
    assert generation_current(name="directory") > gen
    with pytest.raises(IllegalTransition):  # once per award
        services.rating_create(actor=world.owner, rfq=rfq, quality=5, on_time=5,
                               communication=5)
    assert Rating.objects.count() == 1


def test_cancel_and_withdraw(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    with pytest.raises(IllegalTransition):
        services.quote_withdraw(actor=world.makers["alpha"], invitation=a)
    q1 = _quote(world, a, now + HOUR)
    withdrawn = services.quote_withdraw(actor=world.makers["alpha"], invitation=a)
    assert withdrawn.pk == q1.pk and withdrawn.status == "withdrawn"
    assert Notification.objects.filter(user=world.owner, kind="withdrawn").exists()
    q2 = _quote(world, a, now + 2 * HOUR)     # quoting again after withdrawing
    assert q2.revision == 2
    services.invitation_decline(actor=world.makers["bravo"], invitation=b, reason="price")
    services.rfq_cancel(actor=world.owner, rfq=rfq, reason="budget frozen")
    q2.refresh_from_db()
    assert rfq.status == "cancelled" and q2.status == "lost"
    told = set(Notification.objects.filter(kind="cancelled").values_list("user__username",
                                                                         flat=True))
    assert told == {"maker-alpha", "maker-charlie"}   # bravo had declined
    with pytest.raises(IllegalTransition) as info:
        services.award_create(actor=world.owner, rfq=rfq, quote_id=q2.pk)
    assert info.value.current == "cancelled"
    with pytest.raises(IllegalTransition):
        services.rfq_cancel(actor=world.owner, rfq=rfq)


def test_naive_deadline_is_read_in_the_deployment_time_zone(world: Any) -> None:
    naive = (timezone.localtime() + dt.timedelta(days=2)).replace(tzinfo=None)
    rfq = services.rfq_create(actor=world.owner, project=world.project,
                              part_ids=[world.parts[0].pk], quantity_tiers=[1],
                              quote_deadline=naive)
    assert timezone.is_aware(rfq.quote_deadline)


def test_award_part_by_part(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    housing, plate = world.parts
    qa = _quote(world, a, now + HOUR)
    qb = services.quote_submit(
        actor=world.makers["bravo"], invitation=b, currency="USD", lead_time_days=5,
        lines=[{"part": plate.pk, "tier": 10, "unit_price": "3"}],   # prices the plate only
        valid_until=(now + dt.timedelta(days=9)).date(), now=now + HOUR)
    with pytest.raises(InputError) as info:
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qb.pk,
                              part_ids=[housing.pk])
    assert info.value.field == "parts" and "Finger housing" in info.value.reason
    services.award_create(actor=world.owner, rfq=rfq, quote_id=qa.pk, part_ids=[housing.pk])
    assert rfq.status == "sent"                     # one part still open
    assert Notification.objects.filter(user=world.makers["alpha"], kind="award_won").exists()
    assert not Notification.objects.filter(kind="award_lost").exists()
    with pytest.raises(IllegalTransition) as conflict:
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qa.pk,
                              part_ids=[housing.pk])
    assert "already awarded" in conflict.value.reason
    with pytest.raises(IllegalTransition):          # no whole award once parts are taken
        services.award_create(actor=world.owner, rfq=rfq, quote_id=qb.pk)
    services.award_create(actor=world.owner, rfq=rfq, quote_id=qb.pk, part_ids=[plate.pk])
    assert rfq.status == "awarded"
    qa.refresh_from_db()
    qb.refresh_from_db()
    assert qa.status == qb.status == "awarded"
    lost = set(Notification.objects.filter(kind="award_lost").values_list("user__username",
                                                                          flat=True))
    assert lost == {"maker-charlie"}
    deliver_award(world, rfq)
    with pytest.raises(InputError) as which:
        services.rating_create(actor=world.owner, rfq=rfq, quality=5, on_time=5,
                               communication=5)
    assert which.value.field == "award"
    first = Award.objects.filter(rfq=rfq).first()
    services.rating_create(actor=world.owner, rfq=rfq, quality=5, on_time=5, communication=5,
                           award_id=first.pk)


def test_firms_without_an_account_are_not_invited(world: Any) -> None:
    from shisaku.directory.services import manufacturers_save
    from tests.factories import capability, record
    manufacturers_save(records=[record("Zulu Machining", "KR-41", slug="zulu",
                                       reply_median_hours=0.5, rating=5.0,
                                       capabilities=[capability("cnc_milling",
                                                                max_lot=100_000)])])
    rfq = services.rfq_create(actor=world.owner, project=world.project,
                              part_ids=[world.parts[0].pk], quantity_tiers=[10],
                              quote_deadline=timezone.now() + HOUR)
    slugs = [m.slug for m, _s in services.rfq_candidates(rfq=rfq, limit=10)]
    assert "zulu" not in slugs and slugs[0] == "alpha"   # the best score, but nobody answers
    from shisaku.directory.models import Manufacturer
    zulu = Manufacturer.objects.get(slug="zulu")
    with pytest.raises(InputError) as info:
        services.rfq_send(actor=world.owner, rfq=rfq, manufacturer_ids=[zulu.pk])
    assert info.value.field == "manufacturers" and "no account" in info.value.reason


def test_stricter_matches_rank_first(world: Any) -> None:
    from shisaku.projects import services as projects
    part = projects.part_create(actor=world.owner, project=world.project, data={
        "name": "Titanium pin", "process_hints": ["cnc_milling"], "material": "titanium"})
    rfq = services.rfq_create(actor=world.owner, project=world.project, part_ids=[part.pk],
                              quantity_tiers=[10], quote_deadline=timezone.now() + HOUR)
    # Nobody machines titanium: the firms come from the pass without materials, best first.
    slugs = [m.slug for m, _s in services.rfq_candidates(rfq=rfq, limit=3)]
    assert slugs == ["alpha", "bravo", "charlie"]
