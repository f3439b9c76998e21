"""Order pages and `/api/v1/orders`: who sees and does what (role x page/endpoint matrix),
refusals with their status codes, idempotent state changes, and the PostgreSQL race between
the two sides (confirm against cancel: exactly one wins)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from shisaku.orders import services
from shisaku.orders.models import Order
from shisaku.rfq import services as rfq_services
from shisaku.rfq.choices import IllegalTransition
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

DAY = dt.timedelta(days=1)


def _award(world: Any) -> Order:
    now = timezone.now()
    rfq, invitations = make_rfq(world, now=now)
    quote = rfq_services.quote_submit(
        actor=world.makers["alpha"], invitation=invitations[0],
        lines=quote_lines(world, "5.00"), currency="KRW", lead_time_days=20,
        valid_until=(now + 30 * DAY).date(), now=now)
    rfq_services.award_create(actor=world.owner, rfq=rfq, quote_id=quote.pk, now=now)
    return Order.objects.get(rfq=rfq)


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    return make_world()


def _client(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["anonymous", "owner", "maker", "coord", "rival_startup", "other_maker"]


def _user(world: Any, role: str) -> Any:
    return {"anonymous": None, "owner": world.owner, "maker": world.makers["alpha"],
            "coord": world.coord, "rival_startup": world.other_startup,
            "other_maker": world.makers["bravo"]}[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_an_order_page_and_its_api(world: Any, role: str) -> None:
    order = _award(world)
    client = _client(_user(world, role))
    page = client.get(f"/orders/{order.pk}/")
    api = client.get(f"/api/v1/orders/{order.pk}")
    listing = client.get("/api/v1/orders")
    if role == "anonymous":
        assert page.status_code == 302 and api.status_code == 401
    elif role in ("owner", "maker", "coord"):
        assert page.status_code == 200 and api.status_code == 200
        assert [o["id"] for o in listing.json()] == [order.pk]
        expected = {"owner": "startup", "maker": "manufacturer", "coord": "coordinator"}[role]
        assert api.json()["side"] == expected
    else:
        assert page.status_code == 404 and api.status_code == 404
        assert listing.json() == []


@pytest.mark.parametrize(("role", "status"), [("owner", 403), ("coord", 403), ("maker", 200),
                                              ("other_maker", 404), ("anonymous", 401)])
def test_only_the_firm_confirms_over_the_api(world: Any, role: str, status: int) -> None:
    order = _award(world)
    day = (timezone.localdate() + 5 * DAY).isoformat()
    response = _client(_user(world, role)).post(
        f"/api/v1/orders/{order.pk}/confirm", data=json.dumps({"promised_ship_date": day}),
        content_type="application/json")
    assert response.status_code == status
    order.refresh_from_db()
    assert order.status == ("confirmed" if status == 200 else "placed")


def test_api_refusals_name_the_state_or_the_field_and_retries_are_idempotent(
        world: Any) -> None:
    order = _award(world)
    maker = _client(world.makers["alpha"])
    url = f"/api/v1/orders/{order.pk}"
    bad = maker.post(f"{url}/confirm", data=json.dumps({"promised_ship_date": "2001-01-01"}),
                     content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "promised_ship_date"
    extra = maker.post(f"{url}/confirm", data=json.dumps({"promised_ship_date": "2030-01-01",
                                                          "x": 1}),
                       content_type="application/json")
    assert extra.status_code == 422
    skip = maker.post(f"{url}/shipments", data=json.dumps({"quantity": 1,
                                                          "shipped_on": "2020-01-01"}),
                      content_type="application/json")
    assert skip.status_code in (409, 422)
    day = (timezone.localdate() + 5 * DAY).isoformat()
    first = maker.post(f"{url}/confirm", data=json.dumps({"promised_ship_date": day}),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = maker.post(f"{url}/confirm", data=json.dumps({"promised_ship_date": day}),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    twice = maker.post(f"{url}/confirm", data=json.dumps({"promised_ship_date": day}),
                       content_type="application/json")
    assert twice.status_code == 409 and twice.json()["current"] == "confirmed"


def test_the_order_page_offers_each_side_its_own_next_step(world: Any) -> None:
    order = _award(world)
    maker_html = _client(world.makers["alpha"]).get(f"/orders/{order.pk}/").content.decode()
    owner_html = _client(world.owner).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="confirm"' in maker_html and 'data-testid="confirm"' not in owner_html
    response = _client(world.makers["alpha"]).post(
        f"/orders/{order.pk}/do/confirm",
        {"promised_ship_date": (timezone.localdate() - DAY).isoformat()})
    assert response.status_code == 303  # refused: back to the page with the reason
    order.refresh_from_db()
    assert order.status == "placed"
    response = _client(world.makers["alpha"]).post(
        f"/orders/{order.pk}/do/confirm",
        {"promised_ship_date": (timezone.localdate() + DAY).isoformat()})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert _client(world.owner).post(f"/orders/{order.pk}/do/nonsense").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_confirm_against_cancel_exactly_one_wins(settings: Any, tmp_path: Any) -> None:
    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    outcomes: dict[str, int] = {}
    for _round in range(5):
        order = _award(world)
        barrier = threading.Barrier(2)
        results: list[str] = []
        lock = threading.Lock()

        # two requests: each side reads its own copy of the order (as placed)
        def confirm(order: Order = Order.objects.get(pk=order.pk)) -> None:
            barrier.wait(timeout=30)
            services.order_confirm(actor=world.makers["alpha"], order=order,
                                   promised_ship_date=timezone.localdate() + 3 * DAY)

        def cancel(order: Order = Order.objects.get(pk=order.pk)) -> None:
            barrier.wait(timeout=30)
            services.order_cancel(actor=world.owner, order=order, reason="design_changed")

        def run(fn: Any) -> None:
            try:
                fn()
                result = "won"
            except IllegalTransition:
                result = "conflict"
            except Exception as exc:
                result = f"error:{type(exc).__name__}:{exc}"
            finally:
                connection.close()
            with lock:
                results.append(result)

        threads = [threading.Thread(target=run, args=(f,)) for f in (confirm, cancel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        order.refresh_from_db()
        assert results.count("won") == 1 and results.count("conflict") == 1, results
        assert order.status in ("confirmed", "cancelled")
        outcomes[order.status] = outcomes.get(order.status, 0) + 1
    assert sum(outcomes.values()) == 5


def test_orders_show_on_the_project_page_the_inbox_and_the_window(world: Any) -> None:
    order = _award(world)
    maker = world.makers["alpha"]
    services.order_confirm(actor=maker, order=order,
                           promised_ship_date=timezone.localdate() + DAY)
    Order.objects.filter(pk=order.pk).update(promised_ship_date=timezone.localdate() - DAY)
    project = _client(world.owner).get(f"/projects/{world.project.pk}/").content.decode()
    assert 'data-testid="project-orders"' in project and 'class="late"' in project
    inbox = _client(maker).get("/rfqs/inbox/").content.decode()
    assert 'data-testid="inbox-orders"' in inbox and str(order) in inbox
    window = _client(world.coord).get("/window/").content.decode()
    assert 'data-kind="late"' in window and str(order) in window
    nav = _client(world.owner).get("/orders/").content.decode()
    assert 'href="/orders/"' in nav and str(order) in nav
    assert 'data-testid="project-orders"' not in _client(world.other_startup).get(
        f"/projects/{world.project.pk}/").content.decode()


PAGES = ["/orders/{o}/", "/orders/{o}/do/confirm", "/orders/{o}/do/cancel",
         "/orders/{o}/do/document", "/orders/{o}/changes/1", "/orders/{o}/milestones/1",
         "/orders/{o}/documents/1", "/orders/tooling/{t}/", "/orders/tooling/{t}/do/transfer"]
API = ["/api/v1/orders/{o}", "/api/v1/orders/{o}/confirm", "/api/v1/orders/{o}/start-production",
       "/api/v1/orders/{o}/first-articles", "/api/v1/orders/{o}/first-articles/decision",
       "/api/v1/orders/{o}/shipments", "/api/v1/orders/{o}/receipt", "/api/v1/orders/{o}/close",
       "/api/v1/orders/{o}/cancel", "/api/v1/orders/{o}/dispute", "/api/v1/orders/{o}/changes",
       "/api/v1/orders/{o}/changes/1/decision"]


@pytest.mark.parametrize("role", ["anonymous", "rival_startup", "other_maker"])
def test_no_page_or_endpoint_of_an_order_opens_to_outsiders(world: Any, role: str) -> None:
    order = _award(world)
    asset = services.tooling_add(actor=world.makers["alpha"], order=order, kind="mould",
                                 name="Mould", cost="1")
    client = _client(_user(world, role))
    for template in PAGES + API:
        url = template.format(o=order.pk, t=asset.pk)
        method = client.get if url.endswith("/") or "documents" in url or (
            url.startswith("/api") and url.count("/") == 4) else client.post
        answer = method(url) if method == client.get else client.post(
            url, data="{}", content_type="application/json") if url.startswith(
            "/api") else client.post(url, {})
        if role == "anonymous":
            assert answer.status_code in (302, 401), (url, answer.status_code)
        else:
            assert answer.status_code in (404, 422), (url, answer.status_code)
            if answer.status_code == 422:  # schema checked before access: nothing changed
                assert url.startswith("/api")
    order.refresh_from_db()
    assert order.status == "placed"
