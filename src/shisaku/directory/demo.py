"""Demo logins: a startup, a Japanese startup, a manufacturer attached to a sample profile, and
a staff coordinator (moved here from accounts, which must not import the directory)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from shisaku.accounts.choices import MembershipRole
from shisaku.accounts.models import Membership, User
from shisaku.accounts.services import organisation_create
from shisaku.directory.models import Manufacturer

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
