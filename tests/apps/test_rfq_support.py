"""Shared test data for the RFQ tests (plain functions; no tests here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shisaku.accounts.models import Membership, Organisation, User
from tests.factories import capability, record

FIRMS = ("alpha", "bravo", "charlie", "delta", "echo")


PASSWORD = "correct horse battery"


def member(username: str, kind: str, org: Organisation | None = None, *,
           password: bool = False) -> tuple[User, Organisation]:
    """A user in ``org`` (a new organisation of ``kind`` when None); ``password`` sets
    :data:`PASSWORD` (slow hashing: only for browser tests), else force_login only."""
    user = User.objects.create_user(username=username, email=f"{username}@example.org",
                                    password=PASSWORD if password else None)
    if org is None:
        org = Organisation.objects.create(kind=kind, name=f"{username} org",
                                          slug=f"{username}-org", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    return user, org


@dataclass
class RfqWorld:
    owner: User
    colleague: User
    other_startup: User
    coord: User
    outsider_maker: User          # a manufacturer never invited
    makers: dict[str, User]       # firm slug -> its member
    firms: dict[str, Any]         # firm slug -> Manufacturer
    startup: Organisation
    coordinator: Organisation
    project: Any
    parts: list[Any]
    others: dict[str, Any] = field(default_factory=dict)


def deadline(days: int = 7) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def make_world(*, passwords: bool = False) -> RfqWorld:
    """Five CNC firms with accounts (scores fall alpha > ... > echo by reply time and rating),
    a project of ``owner``'s startup with two parts ready for an RFQ (the coordinator's
    programme accepts any completeness), one part not ready in a project without
    coordinator."""
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save
    from shisaku.projects import services as projects
    from shisaku.projects.models import ProgrammeSettings

    records = [record(f"{slug.title()} Machining", "KR-41", slug=slug,
                      reply_median_hours=1.0 + i, rating=4.9 - i * 0.3,
                      capabilities=[capability("cnc_milling", max_lot=100_000)])
               for i, slug in enumerate(FIRMS)]
    records.append(record("Other Maker", "KR-41", slug="outsider",
                          capabilities=[capability("injection_molding")]))
    manufacturers_save(records=records)
    firms = {m.slug: m for m in Manufacturer.objects.all()}
    makers = {}
    for slug, firm in firms.items():
        user, org = member(f"maker-{slug}", "manufacturer", password=passwords)
        firm.organisation = org
        firm.save(update_fields=["organisation"])
        makers[slug] = user
    outsider = makers.pop("outsider")
    owner, startup = member("owner", "startup", password=passwords)
    colleague, _ = member("colleague", "startup", startup)
    other_startup, _ = member("rival", "startup")
    coord, coordinator = member("coord", "coordinator", password=passwords)
    ProgrammeSettings.objects.create(coordinator=coordinator, rfq_min_completeness=0.0)
    project = projects.project_create(actor=owner, organisation=startup, data={
        "title": "Rehab glove", "qty_pilot": 300, "currency": "KRW",
        "coordinator": coordinator.pk})
    parts = [projects.part_create(actor=owner, project=project, data={
        "name": name, "process_hints": ["cnc_milling"], "material": "aluminum_6061"})
        for name in ("Finger housing", "Palm plate")]
    firms.pop("outsider")
    return RfqWorld(owner, colleague, other_startup, coord, outsider, makers, firms, startup,
                    coordinator, project, parts)


def make_rfq(world: RfqWorld, *, sealed: bool = False, auto_next: bool = True,
             firms: tuple[str, ...] = ("alpha", "bravo", "charlie"),
             now: dt.datetime | None = None) -> tuple[Any, list[Any]]:
    from shisaku.rfq import services

    now = now or timezone.now()
    rfq = services.rfq_create(actor=world.owner, project=world.project,
                              part_ids=[p.pk for p in world.parts], quantity_tiers=[10, 300],
                              quote_deadline=now + dt.timedelta(days=7), sealed=sealed,
                              auto_invite_next=auto_next, now=now)
    invitations = services.rfq_send(actor=world.owner, rfq=rfq,
                                    manufacturer_ids=[world.firms[s].pk for s in firms],
                                    now=now)
    return rfq, invitations


def quote_lines(world: RfqWorld, price: str = "12.50") -> list[dict[str, Any]]:
    return [{"part": p.pk, "tier": t, "unit_price": price} for p in world.parts
            for t in (10, 300)]


def deliver_award(world: RfqWorld, rfq: Any, *, owner: Any = None) -> None:
    """Walk every order of ``rfq`` to delivered (on time), so its awards may be rated
    (``owner``: the startup member who confirms receipt, default ``world.owner``)."""
    from shisaku.orders import services as orders
    from shisaku.orders.models import Order

    for order in Order.objects.filter(rfq=rfq).select_related("manufacturer"):
        maker = next(u for u in world.makers.values()
                     if order.manufacturer.organisation.memberships.filter(user=u).exists())
        today = timezone.localdate()
        orders.order_confirm(actor=maker, order=order, promised_ship_date=today)
        orders.order_start_production(actor=maker, order=order)
        pieces = sum(ln.quantity for ln in order.lines.all())
        orders.shipment_create(actor=maker, order=order, quantity=pieces, shipped_on=today)
        orders.order_receive(actor=owner or world.owner, order=order,
                             received_quantity=pieces)
