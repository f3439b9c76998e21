"""Shared test data for the projects tests (plain functions; no tests here)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from shisaku.accounts.models import Membership, Organisation, User


def binary_stl(triangles: int = 2) -> bytes:
    """A valid binary STL of ``triangles`` identical facets (84 + 50 n bytes)."""
    facet = struct.pack("<12fH", 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0)
    return b"test".ljust(80, b" ") + struct.pack("<I", triangles) + facet * triangles


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def member(username: str, kind: str, org: Organisation | None = None) -> tuple[User, Organisation]:
    user = User.objects.create_user(username=username, email=f"{username}@example.org",
                                    password=None)  # unusable: fast, force_login only
    if org is None:
        org = Organisation.objects.create(kind=kind, name=f"{username} org",
                                          slug=f"{username}-org", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")
    return user, org


@dataclass
class World:
    """A project of ``startup`` supported by ``coordinator`` and the people around it."""

    owner: User          # member of the startup that owns the project
    colleague: User      # another member of the same startup
    other_startup: User  # a member of another startup
    maker: User          # a manufacturer
    coord: User          # a member of the project's coordinator organisation
    other_coord: User    # a coordinator of another programme
    startup: Organisation
    coordinator: Organisation
    project: Any
    part: Any
    part_file: Any

    def users(self) -> dict[str, User | None]:
        return {"anonymous": None, "owner": self.owner, "colleague": self.colleague,
                "other_startup": self.other_startup, "maker": self.maker,
                "coord": self.coord, "other_coord": self.other_coord}


def make_world() -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shisaku.projects import services

    owner, startup = member("owner", "startup")
    colleague, _ = member("colleague", "startup", startup)
    other_startup, _ = member("rival", "startup")
    maker, _ = member("maker", "manufacturer")
    coord, coordinator = member("coord", "coordinator")
    other_coord, _ = member("coord2", "coordinator")
    project = services.project_create(actor=owner, organisation=startup, data={
        "title": "Rehab glove", "summary": {"en": "A soft robotic glove"},
        "product_field": "medical_welfare", "qty_pilot": 300, "qty_small_lot": 5000,
        "qty_mass": 30000, "target_unit_cost": "45000", "currency": "KRW",
        "coordinator": coordinator.pk})
    part = services.part_create(actor=owner, project=project, data={
        "name": "Finger housing", "process_hints": ["cnc_milling"], "material": "aluminum_6061"})
    part_file = services.part_file_add(
        actor=owner, part=part, kind="cad",
        upload=SimpleUploadedFile("housing.stl", binary_stl(), "model/stl"))
    return World(owner, colleague, other_startup, maker, coord, other_coord, startup,
                 coordinator, project, part, part_file)
