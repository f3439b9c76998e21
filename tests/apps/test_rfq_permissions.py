"""The authorization matrix: every RFQ page and endpoint x anonymous / the startup's members /
another startup / the invited firm / a firm not invited / the project's coordinator.

Whoever may not see something gets 404 (anonymous: the login page, 401 on the API) and nothing
changes; nobody outside the startup side reads a competitor's quote.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shisaku.rfq import services
from shisaku.rfq.models import Award, Invitation, Message, Quote
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "colleague", "other_startup", "invited", "not_invited",
         "coord")
STARTUP_READ = {"owner", "colleague", "coord"}
STARTUP_WRITE = {"owner", "colleague"}
FIRM = {"invited"}
SECRET_PRICE = "77.7700"   # bravo's unit price: only the startup side may ever read it


@pytest.fixture
def setup(settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    world = make_world()
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    valid = (now + dt.timedelta(days=30)).date()
    services.invitation_acknowledge(actor=world.makers["alpha"], invitation=a)
    qb = services.quote_submit(actor=world.makers["bravo"], invitation=b,
                               lines=quote_lines(world, SECRET_PRICE), currency="USD",
                               lead_time_days=9, valid_until=valid)
    services.message_post(actor=world.makers["bravo"], invitation=b, body="bravo secret q",
                          from_manufacturer=True)
    users = {"anonymous": None, "owner": world.owner, "colleague": world.colleague,
             "other_startup": world.other_startup, "invited": world.makers["alpha"],
             "not_invited": world.makers["echo"], "coord": world.coord}
    return {"world": world, "rfq": rfq, "a": a, "b": b, "qb": qb, "users": users,
            "valid": valid.isoformat(), "project": world.project, "part": world.parts[0]}


def _state(s: dict[str, Any]) -> tuple[Any, ...]:
    return (s["rfq"].__class__.objects.get(pk=s["rfq"].pk).status,
            sorted(Invitation.objects.values_list("pk", "status")),
            sorted(Quote.objects.values_list("pk", "status")), Award.objects.count(),
            Message.objects.count())


def _quote_form(s: dict[str, Any]) -> dict[str, Any]:
    data = {"currency": "USD", "tooling_cost": "0", "lead_time_days": "5",
            "valid_until": s["valid"]}
    for p in s["world"].parts:
        data[f"price_{p.pk}_10"] = "3"
    return data


def _quote_json(s: dict[str, Any]) -> dict[str, Any]:
    return {"lines": [{"part": s["part"].pk, "tier": 10, "unit_price": "3"}],
            "currency": "USD", "lead_time_days": 5, "valid_until": s["valid"]}


# (name, method, url, data, allowed roles, writes)
CASES: list[tuple[str, str, str, Any, set[str], bool]] = [
    ("rfq list", "get", "/rfqs/", None, set(ROLES) - {"anonymous"}, False),
    ("create form", "get", "/rfqs/new/{p}", None, STARTUP_WRITE, False),
    ("create", "post", "/rfqs/new/{p}", {"parts": "{part}", "quantity_tiers": "5",
                                         "quote_deadline": "2099-01-01T10:00"},
     STARTUP_WRITE, True),
    ("detail", "get", "/rfqs/{r}/", None, STARTUP_READ, False),
    ("send", "post", "/rfqs/{r}/send", {"manufacturers": "{echo}"}, STARTUP_WRITE, False),
    ("compare", "get", "/rfqs/{r}/compare", None, STARTUP_READ, False),
    ("export csv", "get", "/rfqs/{r}/compare?format=csv", None, STARTUP_READ, False),
    ("export xlsx", "get", "/rfqs/{r}/compare?format=xlsx", None, STARTUP_READ, False),
    ("award", "post", "/rfqs/{r}/award", {"quote": "{qb}"}, STARTUP_WRITE, True),
    ("rate", "post", "/rfqs/{r}/rate", {"quality": "5", "on_time": "5",
                                        "communication": "5"}, STARTUP_WRITE, False),
    ("cancel", "post", "/rfqs/{r}/cancel", {}, STARTUP_WRITE, True),
    ("withdraw", "post", "/rfqs/invitations/{a}/withdraw", {}, FIRM, False),
    ("withdraw competitor", "post", "/rfqs/invitations/{b}/withdraw", {}, set(), False),
    ("inbox", "get", "/rfqs/inbox/", None, set(ROLES) - {"anonymous"}, False),
    ("own invitation", "get", "/rfqs/invitations/{a}/", None, STARTUP_READ | FIRM, True),
    ("competitor invitation", "get", "/rfqs/invitations/{b}/", None, STARTUP_READ, False),
    ("acknowledge", "post", "/rfqs/invitations/{b}/acknowledge", {}, set(), False),
    ("quote", "post", "/rfqs/invitations/{a}/quote", "quote_form", FIRM, True),
    ("quote competitor", "post", "/rfqs/invitations/{b}/quote", "quote_form", set(), False),
    ("decline", "post", "/rfqs/invitations/{a}/decline", {"reason": "capacity"}, FIRM, True),
    ("message", "post", "/rfqs/invitations/{a}/messages", {"body": "hi"},
     STARTUP_WRITE | FIRM, True),
    ("message competitor", "post", "/rfqs/invitations/{b}/messages", {"body": "hi"},
     STARTUP_WRITE, True),
    ("notifications", "get", "/rfqs/notifications/", None, set(ROLES) - {"anonymous"}, False),
    # API
    ("api list", "get", "/api/v1/rfqs", None, set(ROLES) - {"anonymous"}, False),
    ("api create", "post", "/api/v1/rfqs", {"project": "{p}", "parts": ["{part}"],
                                            "quantity_tiers": [5],
                                            "quote_deadline": "2099-01-01T10:00:00Z"},
     STARTUP_WRITE, True),
    ("api get", "get", "/api/v1/rfqs/{r}", None, STARTUP_READ, False),
    ("api candidates", "get", "/api/v1/rfqs/{r}/candidates", None, STARTUP_WRITE, False),
    ("api send", "post", "/api/v1/rfqs/{r}/send", {"manufacturers": ["{echo}"]},
     STARTUP_WRITE, False),
    ("api comparison", "get", "/api/v1/rfqs/{r}/comparison", None, STARTUP_READ, False),
    ("api award", "post", "/api/v1/rfqs/{r}/award", {"quote": "{qb}"}, STARTUP_WRITE, True),
    ("api rating", "post", "/api/v1/rfqs/{r}/rating", {"quality": 5, "on_time": 5,
                                                       "communication": 5}, STARTUP_WRITE, False),
    ("api cancel", "post", "/api/v1/rfqs/{r}/cancel", None, STARTUP_WRITE, True),
    ("api withdraw competitor", "post", "/api/v1/inbox/{b}/withdraw", None, set(), False),
    ("api withdraw", "post", "/api/v1/inbox/{a}/withdraw", None, FIRM, False),
    ("api startup messages", "get", "/api/v1/rfqs/{r}/invitations/{b}/messages", None,
     STARTUP_READ, False),
    ("api startup message", "post", "/api/v1/rfqs/{r}/invitations/{a}/messages",
     {"body": "x"}, STARTUP_WRITE, True),
    ("api inbox", "get", "/api/v1/inbox", None, set(ROLES) - {"anonymous"}, False),
    ("api notifications", "get", "/api/v1/inbox/notifications", None,
     set(ROLES) - {"anonymous"}, False),
    ("api invitation", "get", "/api/v1/inbox/{a}", None, FIRM, False),
    ("api competitor invitation", "get", "/api/v1/inbox/{b}", None, set(), False),
    ("api view", "post", "/api/v1/inbox/{a}/view", None, FIRM, False),
    ("api acknowledge other", "post", "/api/v1/inbox/{b}/acknowledge", None, set(), False),
    ("api decline", "post", "/api/v1/inbox/{a}/decline", {"reason": "price"}, FIRM, True),
    ("api quotes", "get", "/api/v1/inbox/{a}/quotes", None, FIRM, False),
    ("api competitor quotes", "get", "/api/v1/inbox/{b}/quotes", None, set(), False),
    ("api quote", "post", "/api/v1/inbox/{a}/quotes", "quote_json", FIRM, True),
    ("api competitor quote", "post", "/api/v1/inbox/{b}/quotes", "quote_json", set(), False),
    ("api firm messages", "get", "/api/v1/inbox/{b}/messages", None, set(), False),
    ("api firm message", "post", "/api/v1/inbox/{a}/messages", {"body": "q"}, FIRM, True),
]


def _fill(value: Any, s: dict[str, Any]) -> Any:
    ids = {"{p}": s["project"].pk, "{part}": s["part"].pk, "{r}": s["rfq"].pk,
           "{a}": s["a"].pk, "{b}": s["b"].pk, "{qb}": s["qb"].pk,
           "{echo}": s["world"].firms["echo"].pk}
    if isinstance(value, str):
        if value in ids:
            return ids[value]
        for k, v in ids.items():
            value = value.replace(k, str(v))
        return value
    if isinstance(value, list):
        return [_fill(v, s) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, s) for k, v in value.items()}
    return value


def _request(client: Client, method: str, url: str, data: Any) -> Any:
    if url.startswith("/api/"):
        body = json.dumps(data) if data is not None else None
        return getattr(client, method)(url, data=body, content_type="application/json")
    if method == "get":
        return client.get(url)
    return client.post(url, data=data or {})


@pytest.mark.parametrize(("name", "method", "url", "data", "allowed", "writes"), CASES,
                         ids=[c[0] for c in CASES])
def test_matrix(setup: dict[str, Any], name: str, method: str, url: str, data: Any,
                allowed: set[str], writes: bool) -> None:
    s = setup
    if data == "quote_form":
        data = _quote_form(s)
    elif data == "quote_json":
        data = _quote_json(s)
    url, data = _fill(url, s), _fill(data, s)
    is_api = url.startswith("/api/")
    # Refused roles first (nothing may change), then the allowed ones.
    order = sorted(ROLES, key=lambda r: r in allowed)
    for role in order:
        before = _state(s)
        client = Client()
        if s["users"][role] is not None:
            client.force_login(s["users"][role])
        response = _request(client, method, url, data)
        body = getattr(response, "content", b"")
        if role not in allowed:
            if role == "anonymous":
                assert response.status_code == (401 if is_api else 302), (role, name)
            else:
                assert response.status_code == 404, (role, name, response.status_code)
            if not writes or role not in allowed:
                assert _state(s) == before, (role, name)
        else:
            assert response.status_code < 400 or response.status_code in (409, 422), (
                role, name, response.status_code, body[:300])
        if role not in STARTUP_READ and response.status_code < 400:
            assert SECRET_PRICE.encode() not in body and b"77.77" not in body, (role, name)
            assert b"bravo secret q" not in body, (role, name)
