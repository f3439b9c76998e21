"""Account workflows: sign a person up together with their organisation."""

from __future__ import annotations

from pathlib import Path

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


DEMO_ACCOUNTS = (
    # username, organisation kind, organisation name, country
    ("demo-startup", "startup", "Hanbit Robotics (demo)", "KR"),
    ("demo-startup-jp", "startup", "Kamo Devices (demo)", "JP"),
    ("demo-maker", "manufacturer", "", "KR"),
    ("demo-coordinator", "coordinator", "Gyeongbuk Shisaku Centre (demo)", "KR"),
)


def demo_accounts_ensure(*, password_file: Path) -> list[dict[str, str]]:
    """Create the demo logins once; their random passwords live in ``password_file``.

    The manufacturer login is attached to the first sample manufacturer so that it can edit
    a real profile; the coordinator is staff (Django admin).
    """
    import json
    import secrets

    from shisaku.directory.models import Manufacturer

    saved: dict[str, str] = {}
    if password_file.exists():
        saved = json.loads(password_file.read_text())
    logins = []
    with transaction.atomic():
        for username, kind, org_name, country in DEMO_ACCOUNTS:
            password = saved.get(username) or secrets.token_urlsafe(9)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username,
                                                email=f"{username}@demo.shisaku.invalid",
                                                password=password)
                if kind == "manufacturer":
                    firm = (Manufacturer.objects.filter(synthetic=True, organisation=None,
                                                        country=country).order_by("id").first())
                    if firm is None:
                        continue
                    org = organisation_create(name=firm.name, kind=kind, country=country,
                                              region=firm.region)
                    firm.organisation = org
                    firm.save(update_fields=["organisation"])
                else:
                    org = organisation_create(name=org_name, kind=kind, country=country)
                Membership.objects.create(user=user, organisation=org, role=MembershipRole.OWNER)
                if kind == "coordinator":
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
            saved[username] = password
            logins.append({"username": username, "password": password, "kind": kind})
    password_file.write_text(json.dumps(saved, indent=2))
    password_file.chmod(0o600)
    return logins
