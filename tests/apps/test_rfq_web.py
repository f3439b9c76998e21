"""RFQ pages and API: the whole flow over the API, idempotency keys, 409 with the current
state, the comparison (currency, totals, sealed, export), the periodic task and the profile's
reply statistics."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shisaku.notifications.models import Notification
from shisaku.rfq import services
from shisaku.rfq.models import RFQ, Award, CurrencyRate, Invitation, Quote
from tests.apps.test_rfq_support import deliver_award, make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    return make_world()


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(client: Client, url: str, data: Any, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, data=json.dumps(data), content_type="application/json",
                       headers=headers)


def test_whole_flow_over_the_api(world: Any) -> None:
    owner = _client(world.owner)
    deadline = (timezone.now() + dt.timedelta(days=5)).isoformat()
    body = {"project": world.project.pk, "parts": [p.pk for p in world.parts],
            "quantity_tiers": [10, 300], "quote_deadline": deadline, "auto_invite_next": True}
    r1 = _post(owner, "/api/v1/rfqs", body, key="create-1")
    r2 = _post(owner, "/api/v1/rfqs", body, key="create-1")  # a retry: same answer, one RFQ
    assert r1.status_code == r2.status_code == 201
    assert r1.json() == r2.json() and RFQ.objects.count() == 1
    rfq_id = r1.json()["id"]
    cands = owner.get(f"/api/v1/rfqs/{rfq_id}/candidates").json()
    assert [c["manufacturer"]["slug"] for c in cands][:3] == ["alpha", "bravo", "charlie"]
    sent = _post(owner, f"/api/v1/rfqs/{rfq_id}/send", {})
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    again = _post(owner, f"/api/v1/rfqs/{rfq_id}/send", {})
    assert again.status_code == 409 and again.json()["current"] == "sent"
    invs = {i["manufacturer"]["slug"]: i["id"] for i in sent.json()["invitations"]}
    alpha, bravo = _client(world.makers["alpha"]), _client(world.makers["bravo"])
    assert [i["id"] for i in alpha.get("/api/v1/inbox").json()] == [invs["alpha"]]
    assert alpha.post(f"/api/v1/inbox/{invs['alpha']}/view").json()["status"] == "viewed"
    assert alpha.post(f"/api/v1/inbox/{invs['alpha']}/acknowledge").status_code == 200
    quote = {"lines": [{"part": p.pk, "tier": t, "unit_price": "10.5"} for p in world.parts
                       for t in (10, 300)], "currency": "USD", "lead_time_days": 14,
             "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
             "tooling_cost": "800"}
    q1 = _post(alpha, f"/api/v1/inbox/{invs['alpha']}/quotes", quote, key="q-1")
    q1b = _post(alpha, f"/api/v1/inbox/{invs['alpha']}/quotes", quote, key="q-1")
    assert q1.status_code == q1b.status_code == 201 and q1.json() == q1b.json()
    assert Quote.objects.count() == 1
    q2 = _post(alpha, f"/api/v1/inbox/{invs['alpha']}/quotes", quote, key="q-2")
    assert q2.json()["revision"] == 2
    bad = _post(bravo, f"/api/v1/inbox/{invs['bravo']}/decline", {"reason": "bored"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "reason"
    dec = _post(bravo, f"/api/v1/inbox/{invs['bravo']}/decline", {"reason": "capacity"})
    assert dec.json()["status"] == "declined"
    late = _post(bravo, f"/api/v1/inbox/{invs['bravo']}/acknowledge", {})
    assert late.status_code == 409 and late.json()["current"] == "declined"
    comp = owner.get(f"/api/v1/rfqs/{rfq_id}/comparison?quantity=300&currency=USD").json()
    row = next(r for r in comp["rows"] if r["manufacturer"]["slug"] == "alpha")
    # (10.5 x 300) x 2 parts + 800 tooling
    assert row["total"] == "7100.00" and row["quote"]["revision"] == 2
    award = _post(owner, f"/api/v1/rfqs/{rfq_id}/award", {"quote": q2.json()["id"]}, key="a")
    replay = _post(owner, f"/api/v1/rfqs/{rfq_id}/award", {"quote": q2.json()["id"]}, key="a")
    assert award.status_code == replay.status_code == 201 and award.json() == replay.json()
    twice = _post(owner, f"/api/v1/rfqs/{rfq_id}/award", {"quote": q2.json()["id"]})
    assert twice.status_code == 409 and twice.json()["current"] == "awarded"
    assert Award.objects.count() == 1
    notes = {n["kind"] for n in alpha.get("/api/v1/inbox/notifications").json()}
    assert {"invited", "award_won"} <= notes
    charlie = _client(world.makers["charlie"]).get("/api/v1/inbox/notifications").json()
    assert "award_lost" in {n["kind"] for n in charlie}
    early = _post(owner, f"/api/v1/rfqs/{rfq_id}/rating",
                  {"quality": 5, "on_time": 4, "communication": 5})
    assert early.status_code == 409  # a rating comes after delivery
    deliver_award(world, RFQ.objects.get(pk=rfq_id))
    rated = _post(owner, f"/api/v1/rfqs/{rfq_id}/rating",
                  {"quality": 5, "on_time": 4, "communication": 5, "comment": "Great"})
    assert rated.status_code == 201 and rated.json()["rating_count"] == 4
    again = _post(owner, f"/api/v1/rfqs/{rfq_id}/rating",
                  {"quality": 5, "on_time": 4, "communication": 5})
    assert again.status_code == 409 and again.json()["current"] == "awarded"
    profile = Client().get(f"/manufacturers/{world.firms['alpha'].pk}/").content.decode()
    assert 'data-testid="scorecard"' in profile and "5.0 / 5" in profile
    assert 'data-testid="on-time-rate">100%' in profile  # from the delivered order's dates


def test_idempotency_keys_are_per_user(world: Any) -> None:
    deadline = (timezone.now() + dt.timedelta(days=5)).isoformat()
    body = {"project": world.project.pk, "parts": [world.parts[0].pk], "quantity_tiers": [1],
            "quote_deadline": deadline}
    assert _post(_client(world.owner), "/api/v1/rfqs", body, key="k").status_code == 201
    assert _post(_client(world.colleague), "/api/v1/rfqs", body, key="k").status_code == 201
    assert RFQ.objects.count() == 2
    refused = _post(_client(world.owner), "/api/v1/rfqs", {**body, "quantity_tiers": [0]},
                    key="k2")
    assert refused.status_code == 422
    ok = _post(_client(world.owner), "/api/v1/rfqs", body, key="k2")  # an error is not stored
    assert ok.status_code == 201


def test_comparison_converts_and_marks_expired(world: Any) -> None:
    now = timezone.now()
    CurrencyRate.objects.create(currency="KRW", rate_to_usd=Decimal("0.00075"),
                                as_of=dt.date(2026, 11, 1))
    rfq, (a, b, _c) = make_rfq(world, now=now)
    services.quote_submit(actor=world.makers["alpha"], invitation=a, lines=quote_lines(world),
                          currency="USD", lead_time_days=10,
                          valid_until=timezone.localdate(now), now=now)
    services.quote_submit(actor=world.makers["bravo"], invitation=b,
                          lines=quote_lines(world, "10000"), currency="KRW", lead_time_days=5,
                          valid_until=timezone.localdate(now) + dt.timedelta(days=9), now=now)
    services.reply_deadlines_check(now=now + dt.timedelta(days=1))
    page = _client(world.owner).get(f"/rfqs/{rfq.pk}/compare?quantity=10&currency=USD")
    html = page.content.decode()
    assert page.status_code == 200 and "expired" in html
    assert "0.00075" in html and "2026-11-01" in html
    comp = _client(world.owner).get(
        f"/api/v1/rfqs/{rfq.pk}/comparison?quantity=10&currency=USD").json()
    by = {r["manufacturer"]["slug"]: r for r in comp["rows"]}
    assert by["bravo"]["unit_prices"][0] == ["7.50", "7.50"]
    assert by["alpha"]["expired"] and by["alpha"]["quote"]["status"] == "expired"
    assert by["charlie"]["quote"] is None
    csv = _client(world.owner).get(f"/rfqs/{rfq.pk}/compare?format=csv&currency=USD")
    lines = csv.content.decode().splitlines()
    assert csv["Content-Type"].startswith("text/csv") and lines[0].startswith("manufacturer")
    assert any(line.startswith("Bravo Machining,quoted,1,KRW,7.50") for line in lines)
    xlsx = _client(world.owner).get(f"/rfqs/{rfq.pk}/compare?format=xlsx")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    # header + alpha, bravo, charlie and delta (invited when charlie went silent)
    assert sheet.cell(1, 1).value == "manufacturer" and sheet.max_row == 5
    # Alpha's expired quote cannot be awarded
    r = _post(_client(world.owner), f"/api/v1/rfqs/{rfq.pk}/award",
              {"quote": by["alpha"]["quote"]["id"]})
    assert r.status_code == 409


def test_sealed_quotes_hidden_until_deadline(world: Any) -> None:
    now = timezone.now()
    rfq, (a, *_r) = make_rfq(world, sealed=True, now=now)
    services.quote_submit(actor=world.makers["alpha"], invitation=a,
                          lines=quote_lines(world, "55.55"), currency="USD",
                          lead_time_days=10, valid_until=timezone.localdate() +
                          dt.timedelta(days=30), now=now)
    owner = _client(world.owner)
    page = owner.get(f"/rfqs/{rfq.pk}/compare")
    assert b"55.55" not in page.content and b'data-testid="sealed"' in page.content
    assert b"55.55" not in owner.get(f"/rfqs/invitations/{a.pk}/").content
    assert owner.get(f"/rfqs/{rfq.pk}/compare?format=csv")["Content-Type"].startswith(
        "text/html")
    api = owner.get(f"/api/v1/rfqs/{rfq.pk}/comparison").json()
    assert api["sealed"] and all(r["quote"] is None for r in api["rows"])
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=now - dt.timedelta(minutes=1))
    assert b"55.55" in owner.get(f"/rfqs/{rfq.pk}/compare?currency=USD").content


def test_pages_flow_without_javascript(world: Any) -> None:
    owner = _client(world.owner)
    r = owner.post(f"/rfqs/new/{world.project.pk}", {
        "parts": [p.pk for p in world.parts], "quantity_tiers": "10, 300",
        "quote_deadline": (timezone.localtime() + dt.timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"), "auto_invite_next": "on"})
    assert r.status_code == 302
    rfq = RFQ.objects.get()
    page = owner.get(r["Location"]).content.decode()
    assert page.count('name="manufacturers"') >= 4 and page.count(" checked>") == 3
    owner.post(f"/rfqs/{rfq.pk}/send", {"manufacturers": [world.firms["alpha"].pk,
                                                           world.firms["delta"].pk]})
    inv = Invitation.objects.get(rfq=rfq, manufacturer=world.firms["alpha"])
    alpha = _client(world.makers["alpha"])
    assert b"Rehab glove" in alpha.get("/rfqs/inbox/").content
    alpha.get(f"/rfqs/invitations/{inv.pk}/")
    inv.refresh_from_db()
    assert inv.status == "viewed"
    alpha.post(f"/rfqs/invitations/{inv.pk}/acknowledge")
    form = {"currency": "JPY", "tooling_cost": "1000", "lead_time_days": "7",
            "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat()}
    form.update({f"price_{p.pk}_{t}": "120" for p in world.parts for t in (10, 300)})
    alpha.post(f"/rfqs/invitations/{inv.pk}/quote", form)
    inv.refresh_from_db()
    assert inv.status == "quoted"
    alpha.post(f"/rfqs/invitations/{inv.pk}/messages", {"body": "Can we use 7075?"})
    assert "Can we use 7075?" in owner.get(f"/rfqs/invitations/{inv.pk}/").content.decode()
    refused = owner.post(f"/rfqs/new/{world.project.pk}", {"parts": [world.parts[0].pk],
                                                          "quantity_tiers": "0",
                                                          "quote_deadline": "2099-01-01T10:00"})
    assert refused.status_code == 422
    quote = Quote.objects.get(invitation=inv)
    owner.post(f"/rfqs/{rfq.pk}/award", {"quote": quote.pk})
    assert RFQ.objects.get(pk=rfq.pk).status == "awarded"
    early = owner.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert 'data-testid="rating-later"' in early and 'data-testid="award-link"' in early
    deliver_award(world, rfq)
    assert b'data-testid="rate"' in owner.get(f"/rfqs/{rfq.pk}/").content
    owner.post(f"/rfqs/{rfq.pk}/rate", {"quality": "5", "on_time": "3", "communication": "4"})
    detail = owner.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert "on-time delivery 3/5" in detail and 'data-testid="rate"' not in detail
    notes = alpha.get("/rfqs/notifications/", follow=True).content.decode()
    assert "was selected" in notes
    alpha.post("/notifications/settings/", {"muted": ["message"]})
    alpha.post("/notifications/", {"read_all": "1"})
    assert not Notification.objects.filter(user=world.makers["alpha"],
                                           read_at__isnull=True).exists()


def test_periodic_task_runs_the_deadline_check(world: Any) -> None:
    from shisaku.rfq.tasks import reply_deadlines
    now = timezone.now()
    make_rfq(world, now=now - dt.timedelta(hours=3))
    counts = reply_deadlines.call_local()
    assert counts["overdue"] == 3


def test_profile_shows_reply_statistics(world: Any) -> None:
    now = timezone.now()
    _rfq, (a, *_r) = make_rfq(world, firms=("alpha",), now=now)
    services.invitation_acknowledge(actor=world.makers["alpha"], invitation=a,
                                    now=now + dt.timedelta(minutes=30))
    page = Client().get(f"/manufacturers/{world.firms['alpha'].pk}/").content.decode()
    assert 'data-testid="reply-stats"' in page and "0.5 h" in page and "100%" in page


def test_award_part_by_part_over_the_api_and_the_page(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    valid = timezone.localdate() + dt.timedelta(days=9)
    qa = services.quote_submit(actor=world.makers["alpha"], invitation=a, currency="USD",
                               lines=quote_lines(world), lead_time_days=5, valid_until=valid)
    qb = services.quote_submit(actor=world.makers["bravo"], invitation=b, currency="USD",
                               lines=quote_lines(world), lead_time_days=5, valid_until=valid)
    owner = _client(world.owner)
    page = owner.get(f"/rfqs/{rfq.pk}/compare").content.decode()
    assert 'data-testid="award-parts"' in page
    owner.post(f"/rfqs/{rfq.pk}/award", {"quote": qa.pk, "parts": [world.parts[0].pk]})
    page = owner.get(f"/rfqs/{rfq.pk}/compare").content.decode()
    assert 'data-testid="award-alpha"' not in page          # no whole award any more
    first = _post(owner, f"/api/v1/rfqs/{rfq.pk}/award",
                  {"quote": qb.pk, "parts": [world.parts[0].pk]})
    assert first.status_code == 409
    done = _post(owner, f"/api/v1/rfqs/{rfq.pk}/award",
                 {"quote": qb.pk, "parts": [world.parts[1].pk]})
    assert done.status_code == 201 and done.json()["status"] == "awarded"
    assert [x["part"] for x in done.json()["awards"]] == [world.parts[1].pk]
    detail = owner.get(f"/api/v1/rfqs/{rfq.pk}").json()
    assert sorted(x["part"] for x in detail["awards"]) == sorted(p.pk for p in world.parts)
    html = owner.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert "Finger housing: awarded to Alpha Machining" in html
    assert "Palm plate: awarded to Bravo Machining" in html


def test_the_firm_sees_the_specification(world: Any) -> None:
    from shisaku.projects.models import Part
    Part.objects.filter(pk=world.parts[0].pk).update(spec={"threads": "4 x M3"},
                                                     tolerance_class="m")
    _rfq, (a, *_r) = make_rfq(world)
    page = _client(world.makers["alpha"]).get(f"/rfqs/invitations/{a.pk}/").content.decode()
    assert "Threads and inserts: 4 x M3" in page and "ISO 2768 m" in page


def test_comparison_partial_for_htmx(world: Any) -> None:
    rfq, _invs = make_rfq(world)
    owner = _client(world.owner)
    full = owner.get(f"/rfqs/{rfq.pk}/compare?quantity=300")
    partial = owner.get(f"/rfqs/{rfq.pk}/compare?quantity=300", headers={"HX-Request": "true"})
    assert b"<html" in full.content and b"<html" not in partial.content
    assert b'data-testid="compare"' in partial.content and b"Total for 300" in partial.content


def test_navigation_counts_unread_notifications(world: Any) -> None:
    make_rfq(world, firms=("alpha",))
    alpha = _client(world.makers["alpha"])
    assert b"Notifications (1)" in alpha.get("/rfqs/inbox/").content
    alpha.post("/notifications/", {"read_all": "1"})
    page = alpha.get("/rfqs/inbox/").content
    assert b"Notifications (" not in page and b"Notifications" in page
