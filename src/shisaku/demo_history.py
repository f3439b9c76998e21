"""A seeded, plausible 18-month history for the demo (sample data): sample startups and their
projects moving through the stages, RFQs to the directory's firms with acknowledgements,
declines, questions, quotes and revisions, awards, and orders through production to delivery,
plus a few consortia, so that figures over time (reply times, funnel, time in stage, on-time
delivery, first-article pass rate, estimate versus quote) have something real to count.

Above every app (like :mod:`shisaku.demo`). The rows are written with ``bulk_create`` in the
states and with the timestamps the services would have left (one award per RFQ, quotes only
from invited firms, one order per award, timestamps in order per RFQ), instead of some
10,000 service calls (each with its audit event and figure updates); the consortia, the
estimates, the ratings and the firms' reply and delivery figures go through their services.
The history is the past: it sends no e-mail and leaves no notification. Every startup and project
it creates carries :data:`SAMPLE_SUFFIX` in its name and "Sample data" in its summary; every
RFQ, quote and message says so in its notes. See docs/SAMPLE_DATA.md ("Demo history").
"""


from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shisaku.accounts.models import Organisation, User
from shisaku.consortia.models import Consortium, ConsortiumMember
from shisaku.core.services import audit_record
from shisaku.demo_history_rows import (
    CHUNK_PROJECTS,
    SAMPLE_NOTE,
    SAMPLE_SUFFIX,
    HistoryWriter,
    hollow_box_stl,
    keep_dates,
    sample_startups,
)
from shisaku.errors import InputError
from shisaku.estimates.models import Estimate
from shisaku.orders.models import FirstArticle, Order, Shipment
from shisaku.projects.models import Part, Project, StageChange
from shisaku.rfq.models import RFQ, Award, Invitation, Message, Quote, Rating

__all__ = ["DEFAULT_SEED", "SAMPLE_SUFFIX", "HistorySummary", "demo_history_counts",
           "demo_history_ensure", "sample_startups"]

DEFAULT_SEED = 16
DAY = dt.timedelta(days=1)


@dataclass
class HistorySummary:
    """What the history holds (or, with ``created`` False, already held)."""

    created: bool = False
    startups: int = 0
    projects: int = 0
    stage_changes: int = 0
    parts: int = 0
    rfqs: int = 0
    invitations: int = 0
    declines: int = 0
    quotes: int = 0
    awards: int = 0
    orders: int = 0
    shipments: int = 0
    first_articles: int = 0
    messages: int = 0
    consortia: int = 0
    estimates: int = 0
    ratings: int = 0
    elapsed_s: float = 0.0
    by_status: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return (f"{self.projects} sample projects of {self.startups} sample startups, "
                f"{self.rfqs} RFQs, {self.invitations} invitations ({self.declines} declined), "
                f"{self.quotes} quotes, {self.awards} awards, {self.orders} orders, "
                f"{self.ratings} ratings, {self.estimates} estimates, {self.consortia} consortia")



def demo_history_counts() -> HistorySummary:
    """Count what the sample history holds (a handful of COUNT queries)."""
    startups = sample_startups()
    projects = Project.objects.filter(organisation__in=startups)
    rfqs = RFQ.objects.filter(project__in=projects)
    invitations = Invitation.objects.filter(rfq__in=rfqs)
    orders = Order.objects.filter(project__in=projects)
    return HistorySummary(
        created=False, startups=startups.count(), projects=projects.count(),
        stage_changes=StageChange.objects.filter(project__in=projects).count(),
        parts=Part.objects.filter(project__in=projects).count(),
        rfqs=rfqs.count(), invitations=invitations.count(),
        declines=invitations.filter(status="declined").count(),
        quotes=Quote.objects.filter(invitation__in=invitations).count(),
        awards=Award.objects.filter(rfq__in=rfqs).count(), orders=orders.count(),
        shipments=Shipment.objects.filter(order__in=orders).count(),
        first_articles=FirstArticle.objects.filter(order__in=orders).count(),
        messages=Message.objects.filter(invitation__in=invitations).count(),
        consortia=Consortium.objects.filter(project__in=projects).count(),
        estimates=Estimate.objects.filter(part_file__part__project__in=projects).count(),
        ratings=Rating.objects.filter(award__rfq__in=rfqs).count())


def demo_history_ensure(*, seed: int = DEFAULT_SEED, months: int = 18,
                        projects: int | None = None, now: dt.datetime | None = None,
                        consortia: int = 5, estimates: int = 20,
                        ratings: float = 0.6) -> HistorySummary:
    """Write the sample history once; later calls change nothing and return its counts.

    ``projects``: how many sample projects (default: 150-200, drawn from ``seed``); each brings
    on average about 2.5 stage changes, 3 parts, 2.1 RFQs, 9 invitations, 6 quotes (with
    revisions) and 1.3 awards and orders, spread over the ``months`` before ``now`` (so
    ``projects=100_000`` gives roughly 210,000 RFQs and 900,000 invitations for a benchmark;
    rows are written in rounds of :data:`CHUNK_PROJECTS` projects, so memory stays flat; pass
    ``consortia=0, estimates=0, ratings=0`` at that scale, those go through services one by
    one). The same seed, ``now``, months and directory give the same history. Not for a
    serving process: while it writes, the models' ``auto_now`` dates are switched off
    process-wide (the history sets them itself). ``consortia``: projects (of the demo coordinator)
    that get a consortium proposed through the consortia service (the optimiser runs for each:
    about 0.2-1 s apiece), some then formed and one failed. ``estimates``: parts (of the
    processes the estimator costs from geometry, quoted at least twice) that get a CAD model
    (a hollow box of the part's size, ``Part.spec["size_mm"]``) and an instant estimate
    stored through the projects and estimates services, dated before the part's first RFQ,
    so that estimates can be compared with the quotes (about 0.1 s apiece). ``ratings``: the
    share of delivered or closed orders whose firm the startup rated, through
    ``rfq.services.rating_create`` (which keeps the firm's public rating), a few days after
    delivery (about 20 ms apiece).

    Firms: reachable manufacturers (a member or a contact e-mail) with a capability for the
    part's process and lot; firms with a login are five times as likely to be invited (none
    exist yet when ``shisaku demo`` calls it: it runs before the demo logins are chosen), fab
    labs only for prototypes. Time cost on the busy 2-core development VM with SQLite:
    5-17 s for the default size (everything included, see docs/SAMPLE_DATA.md);
    ``projects=2000`` with no consortia, estimates or ratings took 17.7 s wall (12.1 s CPU,
    163 MB peak) for 4,475 RFQs and 19,465 invitations: about 9 ms per project. Returns the
    counts
    (:class:`HistorySummary`). A directory without firms gives projects and stage changes but
    no RFQs.
    """
    started = time.perf_counter()
    if sample_startups().exists():
        return demo_history_counts()
    now = now or timezone.now()
    rng = random.Random(seed)
    n_projects = projects if projects is not None else rng.randint(150, 200)
    if n_projects < 0:
        raise ValueError("projects must be >= 0")
    with transaction.atomic(), keep_dates(Organisation, Project, Part, RFQ, Award, Message,
                                           Shipment, Order, Consortium, ConsortiumMember):
        writer = HistoryWriter(rng=rng, now=now, months=months)
        startups = writer.startups()
        done = 0
        while done < n_projects:
            size = min(CHUNK_PROJECTS, n_projects - done)
            writer.chunk(startups, size)
            done += size
        writer.refresh_figures()
    made = 0
    if consortia > 0:
        made = _consortia(rng=random.Random(seed + 1), now=now, limit=consortia)
    if estimates > 0:
        _estimates(rng=random.Random(seed + 2), limit=estimates)
    if ratings > 0:
        _ratings(rng=random.Random(seed + 3), now=now, share=ratings)
    summary = demo_history_counts()
    summary.created = True
    summary.consortia = made
    summary.elapsed_s = round(time.perf_counter() - started, 2)
    audit_record(actor=None, action="demo.history", obj=None,
                 summary=f"sample history: {summary.line()}",
                 data={"seed": seed, "months": months, "projects": summary.projects})
    return summary


def _consortia(*, rng: random.Random, now: dt.datetime, limit: int) -> int:
    """Consortia for a few multi-part sample projects of the demo coordinator, proposed through
    the consortia service (the optimiser picks the team); then some formed (every slot
    accepted, shares by planned cost) and one failed. Dated inside each project's life."""
    from shisaku.consortia.choices import LEAD
    from shisaku.consortia.services import consortium_propose

    actor = User.objects.filter(username="demo-coordinator").first()
    if actor is None:
        return 0
    candidates = list(Project.objects.filter(
        organisation__in=sample_startups(), coordinator__memberships__user=actor,
        stage__in=["dfm", "small_lot", "mass_production"]).order_by("id"))
    candidates = [p for p in candidates if p.parts.count() >= 3]
    rng.shuffle(candidates)
    made = staffed = 0
    # Fates of the proposals the optimiser could staff; one it cannot stays proposed.
    fates = ("formed", "formed", "failed", "proposed", "formed", "proposed")
    for attempt, project in enumerate(candidates):
        if made >= limit or attempt >= 2 * limit:
            break
        packages = []
        for part in project.parts.all():
            packages.append({"id": f"p{part.pk}", "name": part.name,
                             "processes": list(part.process_hints),
                             "materials": [part.material] if part.material else [],
                             "quantity": project.qty_pilot or 100})
        try:
            consortium = consortium_propose(actor=actor, project=project, packages=packages,
                                            time_limit_s=2.0)
        except InputError:  # the project's packages cannot be staffed: skipped
            continue
        made += 1
        fate = "proposed"
        if (consortium.plan or {}).get("lead"):
            fate = fates[staffed % len(fates)]
            staffed += 1
        proposed_at = min(project.stage_changed_at + dt.timedelta(days=rng.uniform(3, 20)),
                          now - DAY)
        plan = consortium.plan or {}
        slots: dict[str, tuple[int, float]] = {}
        if plan.get("lead"):
            slots[LEAD] = (int(plan["lead"]["id"]), 0.0)
            for package_id, member in (plan.get("members") or {}).items():
                slots[str(package_id)] = (int(member["manufacturer"]["id"]),
                                          float(member.get("cost") or 0))
        fields: dict[str, Any] = {"created_at": proposed_at, "updated_at": proposed_at,
                                  "notes": SAMPLE_NOTE}
        if fate in ("formed", "failed") and slots:
            invited_at = proposed_at + dt.timedelta(days=rng.uniform(0.5, 3))
            total = sum(c for k, (_f, c) in slots.items() if k != LEAD) or 0.0
            members = []
            for i, (package_id, (firm_id, cost)) in enumerate(sorted(slots.items())):
                declined = fate == "failed" and i == len(slots) - 1
                share = (Decimal("0") if package_id == LEAD or total <= 0 or fate != "formed"
                         else Decimal(str(cost * 100 / total)).quantize(Decimal("0.01")))
                members.append(ConsortiumMember(
                    consortium=consortium, package_id=package_id, manufacturer_id=firm_id,
                    state="declined" if declined else "accepted", invited_at=invited_at,
                    responded_at=invited_at + dt.timedelta(days=rng.uniform(0.2, 4)),
                    cost=Decimal(str(round(cost, 2))),
                    share_pct=share if fate == "formed" else None))
            with keep_dates(ConsortiumMember):
                ConsortiumMember.objects.bulk_create(members)
            done_at = max(m.responded_at for m in members if m.responded_at) + DAY
            fields.update(status=fate, updated_at=done_at)
            if fate == "formed":
                fields["formed_at"] = done_at
        Consortium.objects.filter(pk=consortium.pk).update(**fields)
    return made


def _estimates(*, rng: random.Random, limit: int) -> int:
    """Instant estimates for up to ``limit`` quoted sample parts, through the services (see
    :func:`demo_history_ensure`); each startup gets one member without a usable password
    (the estimate's owner; nobody logs in as it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count, Min

    from shisaku.engines.costing import GEOMETRY_PROCESSES
    from shisaku.estimates.services import estimate_part_file
    from shisaku.projects.models import PartFile
    from shisaku.projects.services import part_file_add

    parts = list(Part.objects.filter(project__organisation__in=sample_startups())
                 .annotate(quotes=Count("rfqs__invitations__quotes"),
                           first_rfq=Min("rfqs__created_at"))
                 .filter(quotes__gte=2).select_related("project__organisation")
                 .order_by("id"))
    parts = [p for p in parts if p.process_hints and p.process_hints[0] in GEOMETRY_PROCESSES
             and p.spec.get("size_mm")]
    rng.shuffle(parts)
    stl: dict[tuple[float, ...], bytes] = {}
    made = 0
    for part in parts[:limit]:
        owner = _owner(part.project.organisation)
        size = tuple(float(v) for v in part.spec["size_mm"])
        if size not in stl:
            stl[size] = hollow_box_stl((size[0], size[1], size[2]))
        data = stl[size]
        name = f"{part.name.split(',')[0].lower().replace(' ', '-')}-sample.stl"
        try:
            part_file = part_file_add(actor=owner, part=part, kind="cad",
                                      upload=SimpleUploadedFile(name, data))
            estimate = estimate_part_file(owner=owner, part_file=part_file)
        except InputError:
            continue
        at = part.first_rfq - dt.timedelta(hours=rng.uniform(2, 72))
        PartFile.objects.filter(pk=part_file.pk).update(uploaded_at=at)
        Estimate.objects.filter(pk=estimate.pk).update(created_at=at)
        made += 1
    return made


def _owner(org: Organisation) -> User:
    """The sample startup's one member: inactive, no usable password (nobody logs in as it);
    it owns the startup's estimates and gives its ratings."""
    from shisaku.accounts.models import Membership

    owner: User | None = User.objects.filter(username=org.slug).first()
    if owner is None:
        # A domain of its own (RFC 2606 .invalid): the demo's other users share
        # demo.shisaku.invalid, which would make every rating look related.
        owner = User(username=org.slug, email=f"owner@{org.slug}.invalid", is_active=False)
        owner.set_unusable_password()
        owner.save()
        Membership.objects.create(user=owner, organisation=org, role="owner")
    return owner


def _ratings(*, rng: random.Random, now: dt.datetime, share: float) -> int:
    """Scorecards for ``share`` of the delivered or closed sample orders, in delivery order,
    through ``rating_create``; scores follow the facts (a rejected first article lowers
    quality, a late shipment on-time)."""
    from shisaku.rfq.choices import IllegalTransition
    from shisaku.rfq.services import rating_create

    orders = (Order.objects.filter(startup__in=sample_startups(), status__in=["delivered", "closed"])
              .select_related("rfq", "startup").prefetch_related("awards", "first_articles")
              .order_by("delivered_at", "id"))
    made = 0
    for order in orders:
        if rng.random() >= share:
            continue
        award = order.awards.all()[0]
        rejected = any(fa.decision == "rejected" for fa in order.first_articles.all())
        quality = max(1, min(5, round(rng.gauss(3.4 if rejected else 4.3, 0.6))))
        on_time = max(1, min(5, round(rng.gauss(4.5 if order.on_time else 2.8, 0.6))))
        communication = max(1, min(5, round(rng.gauss(4.0, 0.7))))
        try:
            rating = rating_create(actor=_owner(order.startup), rfq=order.rfq, quality=quality,
                                   on_time=on_time, communication=communication,
                                   comment="Sample data.", award_id=award.pk)
        except (IllegalTransition, InputError):
            continue
        assert order.delivered_at is not None
        at = min(order.delivered_at + dt.timedelta(days=rng.uniform(1, 10)), now)
        Rating.objects.filter(pk=rating.pk).update(created_at=at)
        made += 1
    return made
