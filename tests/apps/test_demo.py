"""`shisaku demo --no-serve`: sample data once, logins printed and listed in
``demo_logins.json``, loading twice changes nothing; on the fresh demo dataset every flow
completes: both sample projects' RFQs list at least three candidates that can answer (with
demo logins), and the sample consortium is formed end to end by demo logins."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from shisaku.cli import main

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_env(monkeypatch: Any, settings: Any, tmp_path: Any) -> Any:
    settings.HOME = tmp_path
    monkeypatch.setenv("SHISAKU_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("SHISAKU_SITE_URL", "http://127.0.0.1:8000")
    return tmp_path


def test_demo_loads_once_and_prints_logins(capsys: Any, demo_env: Any) -> None:
    from shisaku.accounts.models import User
    from shisaku.directory.models import Manufacturer
    from shisaku.projects.models import Project

    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    out = capsys.readouterr().out
    assert "demo-startup" in out and "demo-coordinator" in out
    firms = Manufacturer.objects.count()
    assert firms == 60 + Manufacturer.objects.filter(kind="maker_space").count()
    assert Manufacturer.objects.filter(kind="maker_space").count() == 156
    assert Manufacturer.objects.filter(synthetic=True).count() == 60
    # Synthetic firms get a synthetic contact e-mail on a reserved domain (one in five not).
    emails = list(Manufacturer.objects.filter(synthetic=True).exclude(contact_email="")
                  .values_list("contact_email", flat=True))
    assert len(emails) == 48 and all(e.endswith("@example.com") for e in emails)
    # The 18-month sample history (tests/apps/test_demo_history.py) has its own startups.
    own = Project.objects.exclude(organisation__slug__startswith="sample-history-")
    assert own.count() == 3  # two sample projects and the sample order history
    assert own.filter(coordinator__isnull=False).count() == 3
    projects = Project.objects.count()
    maker = User.objects.get(username="demo-maker")
    assert maker.memberships.get().organisation.manufacturer.synthetic
    logins = json.loads((demo_env / "demo_logins.json").read_text())
    assert isinstance(logins, list) and {tuple(sorted(d)) for d in logins} == {
        ("organisation", "password", "role", "username")}
    users = User.objects.count()
    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    assert (Manufacturer.objects.count(), Project.objects.count(), User.objects.count()) == (
        firms, projects, users)
    out = capsys.readouterr().out
    assert "(0 added now" in out and str(demo_env / "mail") in out
    assert json.loads((demo_env / "demo_logins.json").read_text()) == logins


def test_demo_refuses_an_impossible_size(capsys: Any) -> None:
    assert main(["demo", "--no-serve", "--size", "-1"]) == 2


def _client(logins: dict[str, dict[str, str]], username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login", {"username": username,
                                               "password": logins[username]["password"]})
    assert response.status_code == 302, username  # logged in with the listed password
    return client


def test_every_flow_completes_on_the_demo_dataset(capsys: Any, demo_env: Any) -> None:
    from shisaku.consortia.models import Consortium
    from shisaku.directory.models import Manufacturer
    from shisaku.rfq.models import RFQ

    assert main(["demo", "--no-serve"]) == 0
    logins = {d["username"]: d for d in json.loads((demo_env / "demo_logins.json").read_text())}
    makers = [d for d in logins.values() if d["role"] == "manufacturer"]
    assert len(makers) >= 12
    firms = Manufacturer.objects.filter(
        organisation__memberships__user__username__in=[d["username"] for d in makers])
    processes = set(firms.values_list("capabilities__process", flat=True))
    assert {"injection_molding", "mold_making", "cnc_milling", "sheet_metal", "pcb_assembly",
            "final_assembly", "sla_printing", "fdm_printing"} <= processes
    assert {"KR", "JP"} <= set(firms.values_list("country", flat=True))

    # Both sample projects' RFQs list at least three candidates with a login.
    for username in ("demo-startup", "demo-startup-jp"):
        client = _client(logins, username)
        rfq = RFQ.objects.get(project__organisation__memberships__user__username=username,
                              status="draft")
        page = client.get(f"/rfqs/{rfq.pk}/").content.decode()
        assert len(re.findall(r'data-reach="account"', page)) >= 3, username
        assert len(re.findall(r'data-reach="(?:account|link)"', page)) >= 3

    # The sample consortium is formed end to end by demo logins.
    consortium = Consortium.objects.exclude(
        project__organisation__slug__startswith="sample-history-").get()
    coordinator = _client(logins, "demo-coordinator")
    assert coordinator.post(f"/window/consortia/{consortium.pk}/invite").status_code == 302
    consortium.refresh_from_db()
    assert consortium.status == "inviting"
    for member in consortium.members.filter(state="invited").select_related("manufacturer"):
        member.refresh_from_db()
        if member.state != "invited":  # answered with another slot of the same firm
            continue
        username = member.manufacturer.organisation.memberships.get().user.username
        answer = _client(logins, username).post(f"/window/invitations/{member.pk}/respond",
                                                {"answer": "accept"})
        assert answer.status_code == 302
    assert coordinator.post(f"/window/consortia/{consortium.pk}/form").status_code == 302
    consortium.refresh_from_db()
    assert consortium.status == "formed"
