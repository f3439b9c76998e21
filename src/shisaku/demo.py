"""The demo dataset in which every flow completes (``shisaku demo``): the demo startups and
coordinator, the sample projects, a draft RFQ per sample project, the sample multi-part
project's proposed consortium, and manufacturer logins chosen so that each RFQ has at least
three candidates with a login and the consortium's whole team can answer.

Above every app (like the CLI): it only calls their services. Idempotent: what exists is
kept; passwords live in ``SHISAKU_HOME/demo_logins.json``, a list of
``{"username", "password", "role", "organisation"}`` objects.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Mod
from django.utils import timezone

from shisaku.accounts.models import Membership, Organisation, User
from shisaku.accounts.services import organisation_create
from shisaku.directory.models import Capability, Manufacturer

__all__ = ["DEMO_CONTACT_DOMAIN", "demo_contacts_ensure", "demo_dataset_ensure",
           "demo_logins_read"]

DEMO_CONTACT_DOMAIN = "example.com"  # RFC 2606: never a real mailbox
# One synthetic firm in five keeps no contact e-mail: the demo shows "not reachable" firms.
UNREACHABLE_EVERY = 5
PEOPLE = (
    ("demo-startup", "startup", "Hanbit Robotics (demo)", "KR"),
    ("demo-startup-jp", "startup", "Kamo Devices (demo)", "JP"),
    ("demo-coordinator", "coordinator", "Gyeongbuk Shisaku Centre (demo)", "KR"),
)
# The demo programme lets parts at this completeness go out in an RFQ (sample specs are
# deliberately incomplete; the completeness meter shows what is missing).
DEMO_RFQ_COMPLETENESS = 0.5
# (project title, part names, quantity tiers) of the draft RFQ of each sample project.
DEMO_RFQS = (
    ("Cobot gripper G1", ("Housing (upper and lower shell)",), [300, 5000]),
    ("Smart pill dispenser", ("Dispensing drum",), [5, 100]),
)
CONSORTIUM_PROJECT = "Cobot gripper G1"
# Logins spread over the main processes in Korea and Japan.
COVERAGE = ("injection_molding", "mold_making", "cnc_milling", "sheet_metal", "pcb_assembly",
            "final_assembly", "sla_printing", "fdm_printing")
MIN_MAKER_LOGINS = 12
CANDIDATES_WITH_LOGIN = 3


def demo_logins_read(path: Path) -> dict[str, str]:
    """username -> password from the logins file (this format, or the older mapping)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text() or "[]")
    if isinstance(data, dict):
        return {str(k): str(v) for k, v in data.items()}
    return {str(d["username"]): str(d["password"]) for d in data if isinstance(d, dict)}


def demo_contacts_ensure() -> int:
    """Give synthetic firms without one a synthetic contact e-mail on a reserved domain
    (``contact-<id>@example.com``), except one in ``UNREACHABLE_EVERY``; one UPDATE."""
    return (Manufacturer.objects.filter(synthetic=True, contact_email="")
            .alias(rest=Mod(F("id"), UNREACHABLE_EVERY)).exclude(rest=0)
            .update(contact_email=Concat(Value("contact-"), Cast("id", CharField()),
                                         Value(f"@{DEMO_CONTACT_DOMAIN}"))))


def _user(username: str, password: str) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    return User.objects.create_user(username=username, password=password,
                                    email=f"{username}@demo.shisaku.invalid"), True


def _people_ensure(saved: dict[str, str]) -> None:
    for username, kind, org_name, country in PEOPLE:
        user, created = _user(username, saved.setdefault(username, secrets.token_urlsafe(9)))
        if not created:
            continue
        org = organisation_create(name=org_name, kind=kind, country=country)
        Membership.objects.create(user=user, organisation=org, role="owner")
        if kind == "coordinator":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])


def _coordinator() -> Organisation | None:
    return Organisation.objects.filter(kind="coordinator",
                                       memberships__user__username="demo-coordinator").first()


def _rfqs_ensure(now: dt.datetime) -> list[Any]:
    """A draft RFQ per sample project (kept once created, whatever its state)."""
    from shisaku.projects.models import ProgrammeSettings, Project
    from shisaku.rfq.services import rfq_create

    coordinator = _coordinator()
    if coordinator is not None:
        ProgrammeSettings.objects.get_or_create(
            coordinator=coordinator, defaults={"rfq_min_completeness": DEMO_RFQ_COMPLETENESS})
    rfqs = []
    for title, part_names, tiers in DEMO_RFQS:
        project = Project.objects.filter(title=title, deleted_at__isnull=True).first()
        if project is None:
            continue
        existing = project.rfqs.order_by("id").first()
        if existing is not None:
            rfqs.append(existing)
            continue
        owner = User.objects.filter(memberships__organisation=project.organisation).first()
        parts = list(project.parts.filter(name__in=part_names).values_list("pk", flat=True))
        rfqs.append(rfq_create(actor=owner, project=project, part_ids=parts,
                               quantity_tiers=tiers,
                               quote_deadline=now + dt.timedelta(days=14),
                               notes="Sample request of the demo."))
    return rfqs


def _consortium_ensure() -> Any:
    """The sample multi-part project's consortium, proposed by the demo coordinator."""
    from shisaku.consortia.models import Consortium
    from shisaku.consortia.services import consortium_propose, project_parts_for_split
    from shisaku.engines.consortium import split_work_packages
    from shisaku.projects.models import Project

    project = Project.objects.filter(title=CONSORTIUM_PROJECT, deleted_at__isnull=True).first()
    coordinator_user = User.objects.filter(username="demo-coordinator").first()
    if project is None or coordinator_user is None:
        return None
    existing = Consortium.objects.filter(project=project).order_by("-id").first()
    if existing is not None:
        return existing
    # The joint order is for the 300-unit pilot: every package at the pilot quantity (the
    # parts' own quantities are the 20 prototypes, below the assemblers' minimum lots).
    packages = [p.to_dict() for p in split_work_packages(project_parts_for_split(project))]
    for package in packages:
        package["quantity"] = project.qty_pilot or package.get("quantity")
    return consortium_propose(actor=coordinator_user, project=project, packages=packages)


def _team_firm_ids(consortium: Any) -> list[int]:
    if consortium is None or not consortium.plan.get("lead"):
        return []
    ids = [int(consortium.plan["lead"]["id"])]
    ids += [int(m["manufacturer"]["id"]) for m in (consortium.plan.get("members") or {}).values()]
    return list(dict.fromkeys(ids))


def _coverage_firm_ids() -> list[int]:
    ids = []
    for country in ("KR", "JP"):
        for process in COVERAGE:
            firm = (Capability.objects.filter(process=process, manufacturer__synthetic=True,
                                              manufacturer__country=country)
                    .order_by("manufacturer_id").values_list("manufacturer_id", flat=True)
                    .first())
            if firm is not None:
                ids.append(int(firm))
    return ids


def _has_members(firm_ids: list[int]) -> set[int]:
    return set(Manufacturer.objects.filter(pk__in=firm_ids,
                                           organisation__memberships__isnull=False)
               .values_list("pk", flat=True))


def _makers_ensure(saved: dict[str, str], firm_ids: list[int]) -> None:
    """A login for each firm of ``firm_ids`` (in order) that has no member yet, named
    demo-maker, demo-maker-02, ... (the next free name)."""
    taken = _has_members(firm_ids)
    names = set(User.objects.filter(username__startswith="demo-maker")
                .values_list("username", flat=True))
    n = 1
    firms = Manufacturer.objects.in_bulk([i for i in firm_ids if i not in taken])
    for firm in (firms[i] for i in dict.fromkeys(firm_ids) if i in firms):
        while (username := "demo-maker" if n == 1 else f"demo-maker-{n:02d}") in names:
            n += 1
        names.add(username)
        user, _created = _user(username, saved.setdefault(username, secrets.token_urlsafe(9)))
        org = firm.organisation or organisation_create(name=firm.name, kind="manufacturer",
                                                       country=firm.country, region=firm.region)
        if firm.organisation_id is None:
            firm.organisation = org
            firm.save(update_fields=["organisation"])
        Membership.objects.create(user=user, organisation=org, role="owner")


def _ordered_ids(rfqs: list[Any], consortium: Any) -> list[int]:
    """Firms to give a login, most needed first: the consortium's team, the top candidates
    of each demo RFQ, then one firm per main process and country."""
    from shisaku.rfq.candidates import rfq_candidates

    ids = _team_firm_ids(consortium)
    for rfq in rfqs:
        if rfq.status != "draft":
            continue
        ids += [m.pk for m, _s in rfq_candidates(rfq=rfq, limit=CANDIDATES_WITH_LOGIN)]
    ids += _coverage_firm_ids()
    return list(dict.fromkeys(ids))


def demo_dataset_ensure(*, password_file: Path,
                        now: dt.datetime | None = None) -> list[dict[str, str]]:
    """Everything of the demo beyond the directory (see the module docstring); returns the
    logins, also written to ``password_file``."""
    from shisaku.projects.demo import demo_projects_ensure

    now = now or timezone.now()
    saved = demo_logins_read(password_file)
    demo_contacts_ensure()
    with transaction.atomic():
        _people_ensure(saved)
    demo_projects_ensure()
    rfqs = _rfqs_ensure(now)
    consortium = _consortium_ensure()
    from shisaku.demo_history import demo_history_ensure

    # 18 months of sample RFQs, quotes, awards and orders (docs/SAMPLE_DATA.md), once; before
    # the logins are chosen, since its reply and delivery figures move the rankings.
    demo_history_ensure(now=now)
    with transaction.atomic():
        # Logins are chosen once: later runs (after orders and ratings moved the rankings)
        # must not hand out new ones.
        first_run = not User.objects.filter(username__startswith="demo-maker").exists()
        if first_run:
            _makers_ensure(saved, _ordered_ids(rfqs, consortium))
        extra = MIN_MAKER_LOGINS - User.objects.filter(
            username__startswith="demo-maker").count()
        if extra > 0:  # a small directory: any synthetic firms, by id
            more = list(Manufacturer.objects.filter(synthetic=True, organisation__isnull=True)
                        .order_by("id").values_list("pk", flat=True)[:extra])
            _makers_ensure(saved, more)
    logins = _logins(saved)
    password_file.write_text(json.dumps(logins, indent=2, ensure_ascii=False))
    password_file.chmod(0o600)
    return logins


def _logins(saved: dict[str, str]) -> list[dict[str, str]]:
    out = []
    users = (User.objects.filter(username__in=list(saved))
             .prefetch_related("memberships__organisation").order_by("username"))
    order = {"startup": 0, "coordinator": 1, "manufacturer": 2}
    for user in users:
        membership = next(iter(user.memberships.all()), None)
        if membership is None:
            continue
        org = membership.organisation
        out.append({"username": user.username, "password": saved[user.username],
                    "role": org.kind, "organisation": org.name})
    out.sort(key=lambda d: (order.get(d["role"], 3), d["username"]))
    return out
