"""Sign-up, log-in throttling, password reset, hashing and CSRF as users meet them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from shisaku.accounts.models import Membership, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 42"


def signup(client: Client, kind: str = "startup", username: str = "mina",
           email: str | None = None) -> Any:
    """Sign up and follow the e-mailed confirmation link (logs the client in)."""
    url = "/manufacturers/signup/" if kind == "manufacturer" else "/accounts/signup"
    data = {"username": username, "email": email or f"{username}@example.org",
            "password1": PASSWORD, "password2": PASSWORD, "organisation_kind": kind,
            "organisation_name": f"{username} Co", "country": "KR"}
    before = len(mail.outbox)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/accounts/signup/sent"
    link = re.search(r"http://127\.0\.0\.1:8000(\S+)", mail.outbox[before].body)
    assert link, mail.outbox[before].body
    return client.get(link.group(1))


def test_signup_creates_user_organisation_and_owner_membership(client: Client) -> None:
    response = client.post("/accounts/signup", {
        "username": "mina", "email": "Mina@Example.org", "password1": PASSWORD,
        "password2": PASSWORD, "organisation_kind": "startup", "organisation_name": "Mina Co",
        "country": "KR"})
    assert response.status_code == 302
    user = User.objects.get(username="mina")
    assert not user.is_active and user.email == "mina@example.org"
    assert client.get("/accounts/me").status_code == 302  # not logged in before confirming
    ms = Membership.objects.get(user=user)
    assert ms.role == "owner" and ms.organisation.kind == "startup"
    assert user.password.startswith("argon2")
    link = re.search(r"http://127\.0\.0\.1:8000(\S+)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 302
    assert client.get("/accounts/me").status_code == 200  # confirmed and logged in
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_signup_does_not_tell_which_emails_exist(client: Client) -> None:
    User.objects.create_user("taken", "taken@example.org", PASSWORD)
    answers = []
    for username, email in (("fresh", "fresh@example.org"), ("other", "TAKEN@example.org")):
        response = Client().post("/accounts/signup", {
            "username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD,
            "organisation_kind": "startup", "organisation_name": "X", "country": "KR"})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, "/accounts/signup/sent")
    assert not User.objects.filter(username="other").exists()
    note = mail.outbox[-1]
    assert note.to == ["taken@example.org"] and "/accounts/password/reset" in note.body


def test_signing_up_again_before_confirming_sends_a_fresh_link(client: Client) -> None:
    data = {"username": "hana", "email": "hana@example.org", "password1": PASSWORD,
            "password2": PASSWORD, "organisation_kind": "startup", "organisation_name": "H",
            "country": "KR"}
    assert client.post("/accounts/signup", data).status_code == 302
    again = Client().post("/accounts/signup", {**data, "username": "hana2"})
    assert again.status_code == 302 and again["Location"] == "/accounts/signup/sent"
    assert not User.objects.filter(username="hana2").exists()
    link = re.search(r"http://127\.0\.0\.1:8000(\S+)", mail.outbox[-1].body).group(1)
    assert "/accounts/signup/confirm/" in link
    assert Client().get(link).status_code == 302
    assert User.objects.get(username="hana").is_active


def test_nobody_signs_up_as_a_coordinator(client: Client) -> None:
    response = client.post("/accounts/signup", {
        "username": "boss", "email": "boss@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "organisation_kind": "coordinator",
        "organisation_name": "Fake centre", "country": "KR"})
    assert response.status_code == 400
    assert "organisation_kind" in response.context["form"].errors
    assert not User.objects.filter(username="boss").exists()
    assert 'value="coordinator"' not in client.get("/accounts/signup").content.decode()
    from shisaku.accounts.services import user_signup
    from shisaku.errors import InputError

    with pytest.raises(InputError):
        user_signup(username="b2", email="b2@example.org", password=PASSWORD,
                    organisation_name="C", organisation_kind="coordinator", country="KR")


def test_manufacturer_signup_gets_an_editable_public_profile(client: Client) -> None:
    signup(client, kind="manufacturer", username="kim")
    user = User.objects.get(username="kim")
    firm = user.memberships.get().organisation.manufacturer
    page = client.get(f"/manufacturers/{firm.pk}/edit")
    assert page.status_code == 200
    response = client.post(f"/manufacturers/{firm.pk}/edit", {
        "name": "Kim Tooling", "name_local": "김공업", "region": "KR-48", "city": "Changwon",
        "stages": ["dfm", "small_lot"], "languages": ["ko", "en"], "accepts_foreign": "on",
        "description_ko": "금형 전문", "capabilities-TOTAL_FORMS": "1",
        "capabilities-INITIAL_FORMS": "0", "capabilities-MIN_NUM_FORMS": "0",
        "capabilities-MAX_NUM_FORMS": "60", "capabilities-0-process": "mold_making",
        "capabilities-0-materials": ["tool_steel"], "capabilities-0-min_lot": "1",
        "capabilities-0-max_lot": "10", "capabilities-0-lead_time_days": "30",
        "sites-TOTAL_FORMS": "1", "sites-INITIAL_FORMS": "0", "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "30", "sites-0-name": "Gimhae plant", "sites-0-region": "KR-48",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    firm.refresh_from_db()
    assert firm.region == "KR-48" and firm.block == "KR-DONGNAM"
    site = firm.sites.get()
    assert (site.name, site.region, site.lat) == ("Gimhae plant", "KR-48", 35.322)
    assert "Gimhae plant" in client.get(f"/manufacturers/{firm.pk}/").content.decode()
    listed = client.get("/api/v1/manufacturers?process=mold_making&q=김공업").json()
    assert [r["slug"] for r in listed["results"]] == [firm.slug]
    assert listed["results"][0]["technologies"] == ["mechanism"]


def test_profile_edit_rejects_an_inverted_lot_range_and_keeps_the_profile(client: Client) -> None:
    signup(client, kind="manufacturer", username="lee")
    firm = User.objects.get(username="lee").memberships.get().organisation.manufacturer
    response = client.post(f"/manufacturers/{firm.pk}/edit", {
        "name": "Changed", "region": "KR-11", "capabilities-TOTAL_FORMS": "1",
        "capabilities-INITIAL_FORMS": "0", "capabilities-MIN_NUM_FORMS": "0",
        "capabilities-MAX_NUM_FORMS": "60", "capabilities-0-process": "cnc_milling",
        "capabilities-0-min_lot": "500", "capabilities-0-max_lot": "10",
        "capabilities-0-lead_time_days": "5", "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0", "sites-MIN_NUM_FORMS": "0", "sites-MAX_NUM_FORMS": "30",
    })
    assert response.status_code == 400
    assert "maximum lot" in response.content.decode()
    firm.refresh_from_db()
    assert firm.name == "lee Co"


def test_nobody_else_edits_a_profile(client: Client, pool: dict[str, Any]) -> None:
    firm = pool["daehan"]
    assert client.get(f"/manufacturers/{firm.pk}/edit").status_code == 302  # to login
    signup(client, kind="startup", username="other")
    assert client.get(f"/manufacturers/{firm.pk}/edit").status_code == 404
    signup(Client(), kind="manufacturer", username="rival")
    rival = Client()
    rival.force_login(User.objects.get(username="rival"))
    assert rival.get(f"/manufacturers/{firm.pk}/edit").status_code == 404


def test_login_throttles_one_address_trying_many_usernames(client: Client) -> None:
    User.objects.create_user("yuna", "yuna@example.org", PASSWORD)
    for n in range(5):
        client.post("/accounts/login", {"username": f"guess{n}", "password": "wrong"},
                    REMOTE_ADDR="203.0.113.9")
    locked = client.post("/accounts/login", {"username": "yuna", "password": PASSWORD},
                         REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    # Another address is not locked out of the same account.
    other = Client().post("/accounts/login", {"username": "yuna", "password": PASSWORD},
                          REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


@pytest.mark.parametrize("length", [151, 300, 5000])
def test_an_overlong_username_at_login_is_a_form_error(client: Client, length: int) -> None:
    response = client.post("/accounts/login", {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_login_is_throttled_after_repeated_failures(client: Client) -> None:
    User.objects.create_user("jun", "jun@example.org", PASSWORD)
    for _ in range(5):
        client.post("/accounts/login", {"username": "jun", "password": "wrong"})
    response = client.post("/accounts/login", {"username": "jun", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client: Client) -> None:
    User.objects.create_user("sora", "sora@example.org", PASSWORD)
    client.post("/accounts/password/reset", {"email": "sora@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body)
    assert link
    page = client.get(link.group(1), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = client.post(form_url, {"new_password1": "another good pass 77",
                                      "new_password2": "another good pass 77"})
    assert response.status_code == 302
    assert User.objects.get(username="sora").check_password("another good pass 77")
    fresh = Client()
    assert fresh.post("/accounts/login", {"username": "sora",
                                          "password": "another good pass 77"}).status_code == 302


def test_forms_need_the_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login", {"username": "x", "password": "y"}).status_code == 403
