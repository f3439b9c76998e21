"""A small world for claim tests: firms in two Korean blocks and Japan, coordinators of a
region, of a country and staff, and people who claim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core import mail

from shisaku.accounts.choices import MembershipRole
from shisaku.accounts.models import Membership, User
from shisaku.accounts.services import organisation_create
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturers_save
from tests.factories import record

PASSWORD = "correct horse battery 42"
KR_BRN = "134-86-72683"          # valid check digit
KR_BRN_BAD = "134-86-72684"      # wrong check digit
JP_CN = "5835678256246"


@dataclass
class ClaimWorld:
    firms: dict[str, Manufacturer]
    coord_gb: User      # Gyeongbuk centre: region KR-47 -> block KR-DAEGYEONG
    coord_jp: User      # a Japanese coordinator organisation without a region: all of JP
    staff: User
    kim: User
    lee: User
    startup: User


def person(username: str, **kw: Any) -> User:
    """A person who chose English at sign-up (mail follows User.preferred_language)."""
    kw.setdefault("preferred_language", "en")
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD, **kw)


def make_world() -> ClaimWorld:
    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan", name_local="㈜대한정밀",
               website="https://www.daehan.co.kr", contact_email="contact@daehan.co.kr",
               contact_phone="+82-54-000-1111"),
        record("Gumi Mold", "KR-47", slug="gumi", contact_email="ceo@gumi-mold.example"),
        record("Andong Parts", "KR-47", slug="andong"),                 # no contact e-mail
        record("Busan PCB", "KR-26", slug="busan", contact_email="sales@busanpcb.example"),
        record("Yamada Seisakusho", "JP-26", slug="yamada", website="https://yamada.co.jp",
               contact_email="info@yamada.co.jp"),
    ])
    firms = {m.slug: m for m in Manufacturer.objects.all()}
    coord_gb = person("coord_gb")
    org = organisation_create(name="Gyeongbuk Centre", kind="coordinator", country="KR",
                              region="KR-47")
    Membership.objects.create(user=coord_gb, organisation=org, role=MembershipRole.OWNER)
    coord_jp = person("coord_jp")
    org = organisation_create(name="Kyoto Shisaku Net", kind="coordinator", country="JP")
    Membership.objects.create(user=coord_jp, organisation=org, role=MembershipRole.OWNER)
    staff = person("staff", is_staff=True)
    startup = person("founder")
    org = organisation_create(name="Hanbit Robotics", kind="startup", country="KR")
    Membership.objects.create(user=startup, organisation=org, role=MembershipRole.OWNER)
    return ClaimWorld(firms=firms, coord_gb=coord_gb, coord_jp=coord_jp, staff=staff,
                      kim=person("kim"), lee=person("lee"), startup=startup)


def link_in(message: Any) -> str:
    """The path of the first absolute link in an e-mail (SHISAKU_BASE_URL stripped)."""
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def outbox_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]
