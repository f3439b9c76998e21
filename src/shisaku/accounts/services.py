"""Account workflows: sign a person up together with their organisation."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from shisaku.accounts.choices import MembershipRole
from shisaku.accounts.models import Membership, Organisation, User
from shisaku.core.services import audit_record


def organisation_create(*, name: str, kind: str, country: str = "", region: str = "") -> Organisation:
    """A new organisation with a unique slug derived from its name."""
    base = slugify(name, allow_unicode=True)[:100] or kind
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(name=name, kind=kind, slug=slug, country=country,
                                       region=region)


def user_signup(*, username: str, email: str, password: str, organisation_name: str,
                organisation_kind: str, country: str) -> User:
    """Create the user, their organisation and an owner membership, all or nothing."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        org = organisation_create(name=organisation_name, kind=organisation_kind,
                                  country=country)
        Membership.objects.create(user=user, organisation=org, role=MembershipRole.OWNER)
        if organisation_kind == "manufacturer":
            from shisaku.directory.services import manufacturer_create_for

            manufacturer_create_for(organisation=org)
        audit_record(actor=user, action="accounts.signup", obj=org, summary=org.name)
    return user
