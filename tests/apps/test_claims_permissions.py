"""The authorization matrix of claims, claim invitations and contact data: every page x
anonymous / the applicant / another person / a startup / a coordinator of another region /
the coordinator of the firm's region / staff.

Who may not use something gets 404 (anonymous: the login page) and nothing changes; contact
e-mail and phone reach only coordinators who cover the firm.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shisaku.claims import services
from shisaku.claims.models import Claim, PoolInvitation
from shisaku.claims.pool import pool_invitations_send
from tests.apps.test_claims_support import make_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "applicant", "other", "startup", "coord_other", "coord", "staff")
COVERING = {"coord", "staff"}
COORDINATORS = {"coord_other", "coord", "staff"}
CONTACT = "contact@daehan.co.kr"


@pytest.fixture
def setup() -> dict[str, Any]:
    w = make_world()
    claim = services.claim_submit(manufacturer=w.firms["daehan"], user=w.kim,
                                  email="kim@daehan.co.kr")
    pool_invitations_send(manufacturers=[w.firms["gumi"]], actor=w.coord_gb)
    PoolInvitation.objects.update(last_sent_at=timezone.now() - dt.timedelta(hours=2))
    users = {"anonymous": None, "applicant": w.kim, "other": w.lee, "startup": w.startup,
             "coord_other": w.coord_jp, "coord": w.coord_gb, "staff": w.staff}
    return {"w": w, "c": claim, "i": PoolInvitation.objects.get(), "users": users}


def _state() -> tuple[Any, ...]:
    return (sorted(Claim.objects.values_list("pk", "status")),
            sorted(PoolInvitation.objects.values_list("pk", "status", "send_count")))


# (name, method, url, data, allowed roles, roles that see the applicant / contact e-mail)
CASES: list[tuple[str, str, str, Any, set[str], set[str]]] = [
    ("queue", "get", "/claims/", None, COORDINATORS, COVERING),
    ("decide", "post", "/claims/{c}/decide", {"decision": "reject",
                                              "reason": "evidence_insufficient"},
     COVERING, set()),
    ("my claims", "get", "/claims/mine/", None, set(ROLES) - {"anonymous"}, {"applicant"}),
    ("withdraw", "post", "/claims/mine/{c}/withdraw", {}, {"applicant"}, set()),
    ("resend verification", "post", "/claims/mine/{c}/resend", {}, {"applicant"}, set()),
    ("pool list", "get", "/claims/pool/", None, COORDINATORS, COVERING),
    ("pool preview", "get", "/claims/pool/send?region=KR-47", None, COORDINATORS, COVERING),
    ("pool send", "post", "/claims/pool/send", {"region": "KR-47"}, COORDINATORS, COVERING),
    ("pool resend", "post", "/claims/pool/{i}/resend", {}, COVERING, set()),
    ("pool bounce", "post", "/claims/pool/{i}/bounce", {}, COVERING, set()),
    ("profile", "get", "/manufacturers/{m}/", None, set(ROLES), COVERING),
]
# What each case shows only to some roles.
SECRET = {"queue": "kim@example.org", "my claims": "Daehan Precision", "pool list":
          "ceo@gumi-mold.example", "pool preview": CONTACT, "pool send": "Daehan Precision",
          "profile": CONTACT}


@pytest.mark.parametrize(("name", "method", "url", "data", "allowed", "sees"), CASES,
                         ids=[c[0] for c in CASES])
def test_matrix(setup: dict[str, Any], name: str, method: str, url: str, data: Any,
                allowed: set[str], sees: set[str]) -> None:
    url = (url.replace("{c}", str(setup["c"].pk)).replace("{i}", str(setup["i"].pk))
           .replace("{m}", str(setup["w"].firms["daehan"].pk)))
    order = sorted(ROLES, key=lambda r: r in allowed)  # refused roles first
    for role in order:
        before = _state()
        client = Client()
        if setup["users"][role] is not None:
            client.force_login(setup["users"][role])
        response = client.get(url) if method == "get" else client.post(url, data or {})
        if role not in allowed:
            expected = 302 if role == "anonymous" else 404
            assert response.status_code == expected, (role, name, response.status_code)
            assert _state() == before, (role, name)
            if role == "anonymous":
                assert "/accounts/login" in response["Location"]
        else:
            assert response.status_code < 400, (role, name, response.status_code)
        if name in SECRET:
            shown = SECRET[name] in response.content.decode()
            assert shown == (role in sees and role in allowed), (role, name)
