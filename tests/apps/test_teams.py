"""Teams: an organisation's admins invite colleagues by e-mail, change roles and remove
members; the last admin can neither leave nor be removed or demoted."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from shisaku.accounts import services
from shisaku.accounts.models import Membership, TeamInvitation, User
from shisaku.errors import InputError
from tests.apps.test_claims_support import PASSWORD, ClaimWorld, link_in, make_world, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> ClaimWorld:
    return make_world()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_colleague_signs_up_through_the_invitation(w: ClaimWorld) -> None:
    org = w.startup.memberships.get().organisation
    admin = _client(w.startup)
    admin.post(f"/accounts/team/{org.pk}/invite", {f"org{org.pk}-email": "Ana@Example.org",
                                                  f"org{org.pk}-role": "member"})
    message = mail.outbox[-1]
    assert message.to == ["ana@example.org"] and org.name in message.subject
    path = link_in(message)
    page = Client().get(path)
    assert page.status_code == 200 and org.name in page.content.decode()
    joined = Client().post(path, {"username": "ana", "password1": PASSWORD,
                                  "password2": PASSWORD})
    assert joined.status_code == 302
    ana = User.objects.get(username="ana")
    assert ana.is_active and ana.email == "ana@example.org"
    assert Membership.objects.get(user=ana, organisation=org).role == "member"
    used = Client().get(path)
    assert used.status_code == 410 and "used already" in used.content.decode()


def test_an_existing_user_joins_by_logging_in_as_admin(w: ClaimWorld) -> None:
    coord_org = w.coord_gb.memberships.get().organisation
    invitation = services.team_invite(organisation=coord_org, actor=w.coord_gb,
                                      email=w.lee.email, role="owner")
    path = link_in(mail.outbox[-1])
    anonymous = Client().get(path).content.decode()
    assert "/accounts/login?next=" in anonymous
    lee = _client(w.lee)
    assert lee.post(path).status_code == 302
    assert Membership.objects.get(user=w.lee, organisation=coord_org).role == "owner"
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    # Now lee is a coordinator of the region (the only way besides staff).
    assert lee.get("/claims/").status_code == 200


def test_the_last_admin_cannot_leave_be_removed_or_demoted(w: ClaimWorld) -> None:
    org = w.startup.memberships.get().organisation
    mine = Membership.objects.get(user=w.startup, organisation=org)
    with pytest.raises(InputError, match="at least one admin"):
        services.membership_remove(membership=mine, actor=w.startup)
    with pytest.raises(InputError, match="at least one admin"):
        services.membership_role_set(membership=mine, role="member", actor=w.startup)
    response = _client(w.startup).post(f"/accounts/team/members/{mine.pk}/remove", follow=True)
    assert "at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk, role="owner").exists()
    # With a second admin the first may step down and leave.
    other = person("second")
    second = Membership.objects.create(user=other, organisation=org, role="owner")
    services.membership_role_set(membership=mine, role="member", actor=w.startup)
    services.membership_remove(membership=mine, actor=w.startup)
    assert list(org.memberships.all()) == [second]


def test_members_do_not_manage_the_team(w: ClaimWorld) -> None:
    org = w.startup.memberships.get().organisation
    Membership.objects.create(user=w.lee, organisation=org, role="member")
    target = Membership.objects.get(user=w.startup, organisation=org)
    lee = _client(w.lee)
    assert lee.post(f"/accounts/team/{org.pk}/invite", {f"org{org.pk}-email": "x@example.org",
                                                       f"org{org.pk}-role": "owner"}
                    ).status_code == 404
    assert lee.post(f"/accounts/team/members/{target.pk}/remove").status_code == 404
    assert lee.post(f"/accounts/team/members/{target.pk}/role",
                    {"role": "member"}).status_code == 404
    outsider = _client(w.kim)
    assert outsider.post(f"/accounts/team/{org.pk}/invite",
                         {f"org{org.pk}-email": "x@example.org"}).status_code == 404
    assert not TeamInvitation.objects.exists()
    assert Membership.objects.get(pk=target.pk).role == "owner"
    page = lee.get("/accounts/team/").content.decode()
    assert "Invite a colleague" not in page and "Leave" in page


def test_revoked_and_forged_invitations_say_which(w: ClaimWorld) -> None:
    org = w.startup.memberships.get().organisation
    invitation = services.team_invite(organisation=org, actor=w.startup, email="z@example.org")
    path = link_in(mail.outbox[-1])
    services.team_invitation_revoke(invitation=invitation, actor=w.startup)
    revoked = Client().get(path)
    assert revoked.status_code == 410 and "withdrawn" in revoked.content.decode()
    forged = Client().get(path[:-4] + "abcd")
    assert forged.status_code == 410 and "not one we sent" in forged.content.decode()
    assert not User.objects.filter(email="z@example.org").exists()
