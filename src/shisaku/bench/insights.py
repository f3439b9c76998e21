"""Insights: the page and each API call reading stored aggregates, against the direct query.

Builds a throw-away SQLite database (temporary SHISAKU_HOME) with N sample manufacturers and
a synthetic history of E invitations (RFQs of five invitations each, quotes, declines, awards,
orders with first articles, projects with stage changes, joint orders; bulk inserts), computes
the aggregates once (timed), then measures p50 / p95 of ``/insights/`` and of every
``/api/v1/insights/<figure>`` call for random filters. The baseline in the same run is the
direct computation of the same filter's figures from the raw rows
(``insights.reference.reference_cell`` for every group that has one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

STAGES = ("business_design", "spec_review", "prototyping", "dfm", "small_lot", "mass_production")
REASONS = ("capacity", "capability", "quantity_too_small", "quantity_too_large",
           "spec_unclear", "price", "other")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=5000)
    parser.add_argument("--events", type=int, default=50_000,
                        help="invitations in the synthetic history")
    parser.add_argument("--requests", type=int, default=30, help="requests per endpoint")
    parser.add_argument("--baseline-requests", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "n": len(ordered)}


def _insert(model: Any, rows: Iterable[dict[str, Any]], now: dt.datetime) -> int:
    """Plain inserts of ``rows`` (dicts by attribute name; unnamed fields get their default)
    through the directory's bulk path."""
    from django.db import connection, models

    from shisaku.directory import bulk

    rows = list(rows)
    missing = [row for row in rows if "id" not in row]
    for row, pk in zip(missing, bulk.allocate_ids(model, len(missing)), strict=True):
        row["id"] = pk
    fields = list(model._meta.concrete_fields)
    prep: list[Callable[[Any], Any]] = []
    for f in fields:
        if isinstance(f, models.DateTimeField | models.DateField | models.JSONField
                      | models.DecimalField):
            prep.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            prep.append(lambda v: v)
    defaults: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(now)
        elif f.has_default():
            defaults.append(f.get_default())
        elif f.null:
            defaults.append(None)
        else:
            defaults.append("")

    def tuples() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            yield tuple(p(row.get(f.attname, d)) for f, p, d in zip(fields, prep, defaults,
                                                                    strict=True))

    return bulk.insert_rows(model._meta.db_table, [f.column for f in fields], tuples())


def history_generate(*, events: int, seed: int = 7, now: dt.datetime | None = None
                     ) -> dict[str, int]:
    """A synthetic, plausible history over the existing manufacturers: ``events``
    invitations in RFQs of five, with projects, stage changes, quotes, awards, orders, first
    articles and joint orders over the last 540 days. Bench and test data only (marked
    ``synthetic`` through the organisations' names: "Sample startup …")."""
    from django.db import transaction
    from django.utils import timezone

    from shisaku.accounts.models import Organisation
    from shisaku.consortia.models import Consortium, ConsortiumMember
    from shisaku.directory import bulk
    from shisaku.directory.models import Capability
    from shisaku.orders.models import FirstArticle, Order
    from shisaku.projects.models import Part, Project, StageChange
    from shisaku.rfq.models import RFQ, Award, Invitation, Quote

    now = now or timezone.now()
    rng = random.Random(seed)
    by_process: dict[str, list[int]] = {}
    for firm, process in Capability.objects.values_list("manufacturer_id", "process"):
        by_process.setdefault(process, []).append(firm)
    processes = sorted(p for p, firms in by_process.items() if len(firms) >= 5)
    if not processes:
        raise ValueError("the directory has no process offered by five firms")
    n_rfqs = max(1, events // 5)
    n_projects = max(10, n_rfqs // 4)
    n_startups = max(5, n_projects // 20)
    span = 540 * 86400

    def ago(seconds: float) -> dt.datetime:
        return now - dt.timedelta(seconds=seconds)

    counts: dict[str, int] = {}
    with transaction.atomic(), bulk.bulk_session():
        org_ids = bulk.allocate_ids(Organisation, n_startups)
        _insert(Organisation, ({"id": pk, "kind": "startup", "name": f"Sample startup {pk}",
                                "slug": f"sample-startup-{pk}",
                                "country": rng.choice(("KR", "KR", "JP", "US"))}
                               for pk in org_ids), now)
        project_ids = bulk.allocate_ids(Project, n_projects)
        projects, stage_rows, part_rows = [], [], []
        part_ids = iter(bulk.allocate_ids(Part, n_projects * 2))
        project_parts: dict[int, list[tuple[int, list[str]]]] = {}
        for pk in project_ids:
            created = ago(rng.uniform(30 * 86400, span))
            level = min(5, int(rng.expovariate(0.6)))
            at, stage = created, "business_design"
            for i in range(1, level + 1):
                at = at + dt.timedelta(days=rng.uniform(5, 90))
                if at >= now:
                    break
                stage_rows.append({"project_id": pk, "from_stage": stage,
                                   "to_stage": STAGES[i], "at": at})
                stage = STAGES[i]
            if stage in ("dfm", "small_lot") and rng.random() < 0.2 and at < now:
                at = at + dt.timedelta(days=rng.uniform(5, 30))
                if at < now:
                    stage_rows.append({"project_id": pk, "from_stage": stage,
                                       "to_stage": "prototyping", "at": at})
                    stage = "prototyping"
            projects.append({"id": pk, "organisation_id": rng.choice(org_ids),
                             "title": f"Sample project {pk}", "stage": stage,
                             "stage_changed_at": min(at, now), "created_at": created,
                             "updated_at": created, "confidentiality": "private"})
            for _ in range(2):
                part = next(part_ids)
                hints = rng.sample(processes, k=1 if rng.random() < 0.7 else 2)
                part_rows.append({"id": part, "project_id": pk, "name": f"Part {part}",
                                  "process_hints": hints, "created_at": created,
                                  "updated_at": created})
                project_parts.setdefault(pk, []).append((part, hints))
        counts["projects"] = _insert(Project, projects, now)
        counts["stage_changes"] = _insert(StageChange, stage_rows, now)
        counts["parts"] = _insert(Part, part_rows, now)

        rfq_ids = bulk.allocate_ids(RFQ, n_rfqs)
        inv_ids = iter(bulk.allocate_ids(Invitation, n_rfqs * 5))
        rfqs, links, invitations, quotes, awards, orders, firsts = [], [], [], [], [], [], []
        quote_ids = iter(bulk.allocate_ids(Quote, n_rfqs * 5))
        award_ids = iter(bulk.allocate_ids(Award, n_rfqs))
        order_ids = iter(bulk.allocate_ids(Order, n_rfqs))
        project_by_id = {p["id"]: p for p in projects}
        for pk in rfq_ids:
            project = rng.choice(project_ids)
            created = project_by_id[project]["created_at"]
            sent = created + dt.timedelta(seconds=rng.uniform(0, (now - created).total_seconds()))
            parts = project_parts[project]
            hints = sorted({h for _p, hs in parts for h in hs})
            pool = by_process[rng.choice(hints)]
            firms = rng.sample(pool, k=min(5, len(pool)))
            rfq_quotes = []
            for firm in firms:
                inv = next(inv_ids)
                ack = sent + dt.timedelta(hours=rng.lognormvariate(2.0, 1.0))
                roll = rng.random()
                status = ("quoted" if roll < 0.55 else "declined" if roll < 0.75 else
                          "acknowledged" if roll < 0.85 else "viewed" if roll < 0.9 else "sent")
                replied = (sent + dt.timedelta(hours=rng.lognormvariate(3.5, 0.9))
                           if status in ("quoted", "declined") else None)
                if replied is not None and replied > now:
                    replied = None
                    status = "acknowledged"
                invitations.append({
                    "id": inv, "rfq_id": pk, "manufacturer_id": firm, "status": status,
                    "sent_at": sent, "viewed_at": sent if status != "sent" else None,
                    "acknowledged_at": min(ack, now) if status not in ("sent", "viewed")
                    else None, "replied_at": replied,
                    "ack_deadline": sent + dt.timedelta(days=2),
                    "quote_deadline": sent + dt.timedelta(days=10),
                    "decline_reason": rng.choice(REASONS) if status == "declined" else ""})
                if status == "quoted":
                    q = next(quote_ids)
                    quotes.append({"id": q, "invitation_id": inv, "revision": 1,
                                   "status": "submitted", "currency": "USD",
                                   "lead_time_days": rng.randint(7, 60),
                                   "valid_until": (replied + dt.timedelta(days=30)).date(),
                                   "submitted_at": replied})
                    rfq_quotes.append((q, firm, replied))
            rfq_status = "sent"
            if rfq_quotes and rng.random() < 0.45:
                q, firm, quoted_at = rng.choice(rfq_quotes)
                award_at = quoted_at + dt.timedelta(days=rng.uniform(1, 20))
                if award_at < now:
                    rfq_status = "awarded"
                    award = next(award_ids)
                    awards.append({"id": award, "rfq_id": pk, "quote_id": q,
                                   "created_at": award_at})
                    delivered = award_at + dt.timedelta(days=rng.uniform(15, 70))
                    done = delivered < now and rng.random() < 0.85
                    order = next(order_ids)
                    orders.append({
                        "id": order, "rfq_id": pk, "project_id": project,
                        "startup_id": project_by_id[project]["organisation_id"],
                        "manufacturer_id": firm, "quote_id": q,
                        "status": "delivered" if done else "in_production", "currency": "USD",
                        "lead_time_days": 30, "placed_at": award_at,
                        "delivered_at": delivered if done else None,
                        "on_time": (rng.random() < 0.78) if done else None})
                    if rng.random() < 0.6:
                        firsts.append({"order_id": order, "attempt": 1,
                                       "submitted_at": award_at + dt.timedelta(days=10),
                                       "decision": "approved" if rng.random() < 0.8
                                       else "rejected",
                                       "decided_at": award_at + dt.timedelta(days=12)})
            rfqs.append({"id": pk, "project_id": project, "title": f"Sample RFQ {pk}",
                         "quantity_tiers": [10, 300, 5000], "quote_deadline":
                         sent + dt.timedelta(days=10), "status": rfq_status,
                         "created_at": sent, "sent_at": sent})
            links.extend({"rfq_id": pk, "part_id": part} for part, _h in parts)
        counts["rfqs"] = _insert(RFQ, rfqs, now)
        through = RFQ.parts.through
        counts["rfq_parts"] = bulk.insert_rows(through._meta.db_table, ("rfq_id", "part_id"),
                                               ((r["rfq_id"], r["part_id"]) for r in links))
        counts["invitations"] = _insert(Invitation, invitations, now)
        counts["quotes"] = _insert(Quote, quotes, now)
        counts["awards"] = _insert(Award, awards, now)
        counts["orders"] = _insert(Order, orders, now)
        counts["first_articles"] = _insert(FirstArticle, firsts, now)

        coordinator = Organisation.objects.filter(kind="coordinator").first()
        if coordinator is None:
            coordinator = Organisation.objects.create(kind="coordinator",
                                                      name="Sample centre",
                                                      slug=f"sample-centre-{seed}")
        n_consortia = max(5, n_projects // 10)
        c_ids = bulk.allocate_ids(Consortium, n_consortia)
        consortia, members = [], []
        for pk in c_ids:
            project = rng.choice(project_ids)
            status = rng.choice(("proposed", "inviting", "formed", "formed", "failed"))
            consortia.append({"id": pk, "project_id": project, "coordinator_id": coordinator.pk,
                              "status": status, "created_at": ago(rng.uniform(0, span))})
            team = rng.sample(by_process[rng.choice(processes)], k=min(rng.randint(2, 5), 5))
            for i, firm in enumerate(team):
                members.append({"consortium_id": pk, "package_id": f"wp{i}",
                                "manufacturer_id": firm,
                                "state": "accepted" if status == "formed" else "invited"})
        counts["consortia"] = _insert(Consortium, consortia, now)
        counts["consortium_members"] = _insert(ConsortiumMember, members, now)
        bulk.analyze([])
    return counts


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.errors import InputError

    if args.manufacturers < 10 or args.events < 5 or args.requests < 1:
        raise InputError("--manufacturers", "give at least 10 firms, 5 events, 1 request")
    home = tempfile.mkdtemp(prefix="shisaku-bench-insights-")
    os.environ["SHISAKU_HOME"] = home
    os.environ.pop("SHISAKU_DATABASE_URL", None)
    os.environ["SHISAKU_ALLOWED_HOSTS"] = "testserver"
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from shisaku.directory.services import sample_load
    from shisaku.insights.build import insights_refresh
    from shisaku.insights.figures import COUNTRIES, FIGURES
    from shisaku.insights.reference import GROUPS_WITH_REFERENCE, reference_cell

    call_command("migrate", interactive=False, verbosity=0)
    figures: dict[str, Any] = {"manufacturers": args.manufacturers, "events": args.events,
                               "requests_per_endpoint": args.requests,
                               "load_avg_1m": round(os.getloadavg()[0], 2),
                               "client": "django.test.Client, in process, SQLite"}
    t = time.perf_counter()
    sample_load(size=args.manufacturers, seed=args.seed)
    figures["load_directory_s"] = round(time.perf_counter() - t, 1)
    now = timezone.now()
    t = time.perf_counter()
    figures["history_rows"] = history_generate(events=args.events, seed=args.seed, now=now)
    figures["load_history_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    build = insights_refresh(now=now)
    assert build is not None
    figures["aggregate_build_s"] = round(time.perf_counter() - t, 1)
    figures["aggregate_cells"] = build.cell_count
    rng = random.Random(args.seed)
    from shisaku import taxonomy

    regions = [r.code for r in taxonomy.REGIONS.values()]
    procs = ["cnc_milling", "injection_molding", "sheet_metal", "pcb_assembly", "fdm_printing"]

    def random_filter() -> dict[str, str]:
        choice = rng.random()
        geo: dict[str, str] = ({} if choice < 0.3 else {"country": rng.choice(COUNTRIES)}
                               if choice < 0.6 else {"region": rng.choice(regions)})
        if rng.random() < 0.6:
            geo["process"] = rng.choice(procs)
        geo["period"] = rng.choice(("all", "365d", "90d"))
        return geo

    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    from shisaku.accounts.models import User

    user = User.objects.create_user(username="bench-insights", password="x" * 16)
    client.force_login(user)

    def timed(call: Callable[[dict[str, str]], Any], n: int) -> list[float]:
        out = []
        for _ in range(n):
            params = random_filter()
            start = time.perf_counter()
            response = call(params)
            out.append((time.perf_counter() - start) * 1000)
            if hasattr(response, "status_code"):
                assert response.status_code == 200, response.content[:300]
        return out

    client.get("/insights/")  # templates and translations loaded once, as in a server
    figures["page_insights"] = _percentiles(timed(lambda p: client.get("/insights/", p),
                                                  args.requests))
    api: dict[str, Any] = {}
    for code in FIGURES:
        api[code] = _percentiles(timed(
            lambda p, code=code: client.get(f"/api/v1/insights/{code}", p), args.requests))
    figures["api"] = api
    figures["api_worst_p50_ms"] = max(v["p50_ms"] for v in api.values())

    def direct(params: dict[str, str]) -> Sequence[Any]:
        geo = params.get("region") or params.get("country", "")
        return [reference_cell(g, geo=geo, process=params.get("process", ""),
                               period=params["period"], now=now)
                for g in GROUPS_WITH_REFERENCE]

    figures["baseline_direct_query"] = _percentiles(timed(direct, args.baseline_requests))
    figures["baseline_groups"] = list(GROUPS_WITH_REFERENCE)
    return figures
