"""Shared test data for the consortia tests (plain functions; no tests here): a four-package
project sent to a coordinator's window and two firms per package, each firm with a login."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shisaku.accounts.models import Membership, Organisation, User
from tests.factories import capability, record

# package id -> the processes and material of the firms that can take it
FIRM_KINDS = {
    "housing": (["mold_making", "injection_molding"], "abs"),
    "frame": (["cnc_milling", "surface_finishing"], "aluminum_6061"),
    "board": (["pcb_fabrication", "pcb_assembly"], "fr4"),
    "integration": (["final_assembly", "reliability_testing"], "abs"),
}
PARTS = [
    {"name": "Case", "process_hints": ["mold_making", "injection_molding"], "material": "abs"},
    {"name": "Frame", "process_hints": ["cnc_milling", "surface_finishing"],
     "material": "aluminum_6061"},
    {"name": "Controller board", "process_hints": ["pcb_fabrication", "pcb_assembly"],
     "material": "fr4"},
]


def member(username: str, kind: str, org: Organisation | None = None,
           password: str | None = None) -> tuple[User, Organisation]:
    user = User.objects.create_user(username=username, email=f"{username}@example.org",
                                    password=password)
    if org is None:
        org = Organisation.objects.create(kind=kind, name=f"{username} org",
                                          slug=f"{username}-org", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    return user, org


@dataclass
class World:
    owner: User
    other_startup: User
    coord: User
    coord_colleague: User
    other_coord: User
    startup: Organisation
    coordinator: Organisation
    other_coordinator: Organisation
    project: Any
    # "housing-a" -> Manufacturer ("a" firms are cheaper: the optimiser picks them first)
    firms: dict[str, Any] = field(default_factory=dict)
    # "housing-a" -> the firm's user
    makers: dict[str, User] = field(default_factory=dict)
    outsider_maker: User | None = None

    def users(self) -> dict[str, User | None]:
        return {"anonymous": None, "owner": self.owner, "other_startup": self.other_startup,
                "maker": self.makers["frame-a"], "other_maker": self.outsider_maker,
                "coord": self.coord, "other_coord": self.other_coord}


def make_firms(password: str | None = None) -> tuple[dict[str, Any], dict[str, User], User]:
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save

    records = []
    for package, (processes, material) in FIRM_KINDS.items():
        for variant, price, region in (("a", 0.8, "KR-47"), ("b", 1.3, "KR-48")):
            records.append(record(
                f"{package.title()} {variant.upper()}", region, slug=f"{package}-{variant}",
                price_level=price, stages=["prototyping", "dfm", "small_lot"],
                capabilities=[capability(p, materials=[material]) for p in processes]))
    records.append(record("Outsider", "KR-11", slug="outsider",
                          capabilities=[capability("fdm_printing", materials=["pla"])]))
    manufacturers_save(records=records)
    firms = {m.slug: m for m in Manufacturer.objects.all()}
    makers: dict[str, User] = {}
    for slug, firm in firms.items():
        user, org = member(f"mk-{slug}", "manufacturer", password=password)
        firm.organisation = org
        firm.save(update_fields=["organisation"])
        makers[slug] = user
    outsider = makers.pop("outsider")
    firms.pop("outsider")
    return firms, makers, outsider


def make_world(password: str | None = None) -> World:
    from shisaku.projects import services

    owner, startup = member("owner", "startup", password=password)
    other_startup, _ = member("rival", "startup", password=password)
    coord, coordinator = member("coord", "coordinator", password=password)
    coord_colleague, _ = member("coord-b", "coordinator", coordinator, password=password)
    other_coord, other_coordinator = member("coord2", "coordinator", password=password)
    project = services.project_create(actor=owner, organisation=startup, data={
        "title": "Smart lamp", "summary": {"en": "A lamp with a controller board"},
        "product_field": "iot_ict", "qty_pilot": 300, "currency": "KRW"})
    for part in PARTS:
        services.part_create(actor=owner, project=project, data=part)
    firms, makers, outsider = make_firms(password)
    return World(owner, other_startup, coord, coord_colleague, other_coord, startup,
                 coordinator, other_coordinator, project, firms, makers, outsider)
