"""The bulk writer of the demo's sample history (:mod:`shisaku.demo_history`): sample
startups, projects with stage changes and parts, RFQs with invitations, answers, questions,
quotes and revisions, awards and orders with first articles and shipments, generated from one
seeded random stream and written with ``bulk_create`` in the states and with the timestamps the
services would have left. Its tables of habits and shares are documented in
docs/SAMPLE_DATA.md ("Demo history").
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from shisaku import taxonomy
from shisaku.accounts.models import Organisation
from shisaku.directory.models import Capability, Manufacturer
from shisaku.errors import InputError
from shisaku.orders.choices import CancelReason
from shisaku.orders.models import FirstArticle, Order, OrderLine, Shipment
from shisaku.projects.models import Part, Project, StageChange
from shisaku.rfq.links import reachable_q
from shisaku.rfq.models import RFQ, Award, CurrencyRate, Invitation, Message, Quote, QuoteLine
from shisaku.rfq.services import ack_deadline_after

__all__ = ["CHUNK_PROJECTS", "SAMPLE_NOTE", "SAMPLE_SUFFIX", "HistoryWriter", "keep_dates",
           "sample_startups"]

SAMPLE_SUFFIX = "(sample)"
SAMPLE_NOTE = "Sample data (demo history)."
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
CHUNK_PROJECTS = 500  # projects written per round of bulk inserts (bounds memory at scale)

# (name, country, region) of the sample startups; names end with SAMPLE_SUFFIX.
STARTUPS: tuple[tuple[str, str, str], ...] = (
    ("Nuri Sensors", "KR", "KR-11"), ("Ddang Mobility", "KR", "KR-41"),
    ("Haneul Medical", "KR", "KR-47"), ("Gureum Audio", "KR", "KR-11"),
    ("Bada Marine Robotics", "KR", "KR-26"), ("Sori Care", "KR", "KR-27"),
    ("Dol Agritech", "KR", "KR-43"), ("Bit Wearables", "KR", "KR-11"),
    ("Hikari Labs", "JP", "JP-13"), ("Tsubasa Drones", "JP", "JP-23"),
    ("Mori Home Devices", "JP", "JP-27"), ("Kaze Robotics", "JP", "JP-14"),
    ("Koyo Health", "JP", "JP-26"), ("Northwind Hardware", "US", ""),
)
PRODUCT_FIELDS = ("iot_ict", "iot_ict", "robotics_machinery", "medical_welfare", "other",
                  "aerospace")
PRODUCTS = ("smart plug", "air-quality monitor", "delivery robot arm", "rehab glove",
            "drone gimbal", "pet feeder", "soil probe", "e-bike controller", "hearing aid case",
            "desk robot", "water meter", "posture sensor", "baby monitor", "camera slider",
            "cold-chain logger", "smart lock", "plant sensor", "massage device")

# Part families: (name, process, material, size mm, pieces per product). The process is the
# part's one process hint; prototype requests only ask for parts of the small-lot processes.
PARTS: tuple[tuple[str, str, str, tuple[float, float, float], int], ...] = (
    ("Housing, upper shell", "injection_molding", "abs", (120, 80, 30), 1),
    ("Housing, lower shell", "injection_molding", "pc", (120, 80, 25), 1),
    ("Mounting bracket", "cnc_milling", "aluminum_6061", (60, 40, 12), 2),
    ("Drive shaft", "cnc_turning", "stainless_304", (12, 12, 80), 1),
    ("Cover plate", "sheet_metal", "stainless_304", (150, 100, 2), 1),
    ("Chassis", "sheet_metal", "aluminum_6061", (220, 160, 40), 1),
    ("Main board", "pcb_assembly", "fr4", (60, 45, 1.6), 1),
    ("Sensor board", "pcb_assembly", "fr4", (30, 20, 1.6), 2),
    ("Gear set", "sla_printing", "resin_tough", (30, 30, 10), 3),
    ("Enclosure prototype", "fdm_printing", "petg", (130, 90, 40), 1),
    ("Soft grip", "urethane_casting", "tpu", (90, 30, 30), 1),
    ("Heat sink", "die_casting", "aluminum_6061", (80, 60, 20), 1),
    ("Wiring harness", "cable_harness", "copper", (300, 10, 10), 1),
    ("Knob", "cnc_milling", "pom", (25, 25, 15), 2),
)
SMALL_LOT_PROCESSES = frozenset({"cnc_milling", "cnc_turning", "sheet_metal", "pcb_assembly",
                                 "sla_printing", "fdm_printing", "urethane_casting",
                                 "cable_harness"})
PROTOTYPE_ONLY = frozenset({"fdm_printing", "sla_printing"})  # never asked at volume
STAGES = ("business_design", "spec_review", "prototyping", "dfm", "small_lot",
          "mass_production")
# Median days in each stage (log-normal, sigma 0.6) and the chance a project goes quiet in it
# (the report: 44.1 % of startups stall at the functional prototype).
STAGE_DAYS = {"business_design": 40, "spec_review": 30, "prototyping": 75, "dfm": 55,
              "small_lot": 80}
QUIET = {"business_design": 0.22, "spec_review": 0.18, "prototyping": 0.4, "dfm": 0.2,
         "small_lot": 0.15}
REDESIGN = 0.22  # a DFM review sends the product back to prototyping

# Per country of the firm: (median hours to the first answer, share that answers at all,
# median days from the answer to the quote, share of answers that are declines, first-article
# rejection rate, quote currency).
FIRM_HABITS: dict[str, tuple[float, float, float, float, float, str]] = {
    "CN": (2.0, 0.9, 1.0, 0.25, 0.24, "CNY"),
    "TW": (4.0, 0.85, 1.8, 0.28, 0.16, "USD"),
    "VN": (5.0, 0.8, 2.0, 0.3, 0.22, "USD"),
    "KR": (5.0, 0.82, 2.5, 0.3, 0.15, "KRW"),
    "JP": (10.0, 0.78, 4.0, 0.33, 0.08, "JPY"),
}
OTHER_HABITS = (8.0, 0.7, 3.0, 0.35, 0.2, "USD")
DECLINE_REASONS = (("capacity", 26), ("capability", 14), ("quantity_too_small", 22),
                   ("quantity_too_large", 5), ("spec_unclear", 16), ("price", 12),
                   ("other", 5))
FALLBACK_USD = {"USD": 1.0, "KRW": 0.00072, "JPY": 0.0066, "CNY": 0.14, "TWD": 0.031,
                "EUR": 1.08, "VND": 0.00004}
QUESTIONS = (
    ("Sample question: may we propose a 1.5 mm draft on the side walls?",
     "Sample answer: yes, 1.5 degrees is fine."),
    ("Sample question: is the surface finish cosmetic on all faces?",
     "Sample answer: only on the outer faces."),
    ("Sample question: can the tolerance on the bore be relaxed to 0.05 mm?",
     "Sample answer: 0.05 mm is acceptable."),
)




def sample_startups() -> QuerySet[Organisation]:
    """The sample history's startups (its marker: name suffix and slug prefix)."""
    return Organisation.objects.filter(kind="startup", name__endswith=f" {SAMPLE_SUFFIX}",
                                       slug__startswith="sample-history-")



@contextmanager
def keep_dates(*models: type[Model]) -> Iterator[None]:
    """Let the history set ``auto_now`` / ``auto_now_add`` fields itself (it writes the past);
    restored on exit."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Firms:
    """Reachable firms by process: (id, country, price level, lots) with invitation weights."""

    def __init__(self) -> None:
        reachable = set(Manufacturer.objects.filter(reachable_q())
                        .values_list("pk", flat=True).distinct())
        with_login = set(Manufacturer.objects.filter(
            organisation__memberships__user__is_active=True).values_list("pk", flat=True))
        info = {pk: (country, float(level or 1.0), synthetic, source)
                for pk, country, level, synthetic, source in Manufacturer.objects.filter(
                    pk__in=reachable).values_list("pk", "country", "price_level", "synthetic",
                                                  "source")}
        self.info = info
        self.with_login = with_login
        self.by_process: dict[str, list[tuple[int, int, int]]] = {}
        self.cum: dict[str, list[float]] = {}
        self.fablab: dict[int, bool] = {}
        rows = (Capability.objects.filter(manufacturer_id__in=reachable)
                .order_by("manufacturer_id", "process")
                .values_list("manufacturer_id", "process", "min_lot", "max_lot"))
        weights: dict[str, list[float]] = {}
        for firm_id, process, min_lot, max_lot in rows:
            _country, _level, synthetic, source = info[firm_id]
            fablab = not synthetic and "fablab" in (source or "").lower()
            self.fablab[firm_id] = fablab
            w = 5.0 if firm_id in with_login else (1.0 if synthetic else 0.6)
            self.by_process.setdefault(process, []).append(
                (firm_id, int(min_lot or 1), int(max_lot or 10**9)))
            weights.setdefault(process, []).append(w)
        for process, ws in weights.items():
            acc, total = [], 0.0
            for w in ws:
                total += w
                acc.append(total)
            self.cum[process] = acc

    def pick(self, rng: random.Random, process: str, pieces: int, k: int) -> list[int]:
        """Up to ``k`` distinct firms able to make ``pieces`` by ``process`` (weighted)."""
        rows = self.by_process.get(process)
        if not rows:
            return []
        chosen: list[int] = []
        tries = 0
        while len(chosen) < k and tries < 12 * k:
            tries += 1
            firm_id, lo, hi = rng.choices(rows, cum_weights=self.cum[process])[0]
            if firm_id in chosen or not lo <= pieces <= hi:
                continue
            if self.fablab.get(firm_id) and pieces > 50:
                continue
            chosen.append(firm_id)
        return chosen


def hollow_box_stl(size: tuple[float, float, float]) -> bytes:
    """A closed box of ``size`` mm with 2.5 mm walls (an inner, inward-facing box), or a solid
    one when the part is too thin for a cavity; binary STL. The sample parts' CAD files, and
    the geometry the generated quotes are priced from (so quotes and the instant estimate of
    the same file see the same part)."""
    import io

    import trimesh

    outer = trimesh.creation.box(extents=size)
    wall = 2.5
    if min(size) > 4 * wall:
        inner = trimesh.creation.box(extents=[v - 2 * wall for v in size])
        inner.invert()
        outer = trimesh.util.concatenate([outer, inner])
    buffer = io.BytesIO()
    outer.export(buffer, file_type="stl")
    return buffer.getvalue()


class _Costs:
    """The instant estimate engine's figures (USD) per process, material, size, region and
    quantity, cached: ``(unit price without tooling, tooling, lead days)``."""

    def __init__(self) -> None:
        from shisaku.engines import costing
        from shisaku.estimates.services import package_cost_estimate

        self.costing = costing
        self.package = package_cost_estimate
        self.params = costing.default_parameters()
        self.cache: dict[tuple[Any, ...], tuple[float, float, int]] = {}
        self.facts_cache: dict[tuple[float, float, float], Any] = {}

    def get(self, process: str, material: str, size: tuple[float, float, float], region: str,
            client: str, quantity: int) -> tuple[float, float, int]:
        key = (process, material, size, region, client, quantity)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._compute(*key)
        return hit

    def facts(self, size: tuple[float, float, float]) -> Any:
        """The facts the geometry engine measures on the part's sample CAD file (the hollow
        box of :func:`hollow_box_stl`), as the instant estimate of that file does: a box
        described by hand lacks e.g. the sheet-metal unfolding, which priced sheet-metal
        quotes at several times the estimate."""
        hit = self.facts_cache.get(size)
        if hit is None:
            from shisaku.engines.geometry import analyse, load_part

            part = load_part(hollow_box_stl(size), filename="sample.stl")
            hit = self.facts_cache[size] = self.costing.PartFacts.from_geometry(analyse(part))
        return hit

    def _compute(self, process: str, material: str, size: tuple[float, float, float],
                 region: str, client: str, quantity: int) -> tuple[float, float, int]:
        costing = self.costing
        region = region if region in FIRM_HABITS else "KR"
        client = client if client in FIRM_HABITS else "KR"
        if process in costing.GEOMETRY_PROCESSES:
            facts = self.facts(size)
            try:
                est = costing.estimate_process(self.params, facts, process, material=material,
                                               region=region, quantity=quantity,
                                               client_country=client)
            except InputError:  # the material does not suit the process: its usual one
                est = costing.estimate_process(self.params, facts, process, region=region,
                                               quantity=quantity, client_country=client)
            tooling = float(est.tooling_cost)
            return (max(float(est.unit_cost) - tooling / quantity, 0.01), tooling,
                    int(est.lead_time_days))
        if process == "pcb_assembly":
            est = costing.estimate_pcb(self.params, board_area_mm2=size[0] * size[1], layers=2,
                                       quantity=quantity, region=region, client_country=client,
                                       assembly=True, components=40)
            tooling = float(est.tooling_cost)
            return (max(float(est.unit_cost) - tooling / quantity, 0.01), tooling,
                    int(est.lead_time_days))
        res = self.package(processes=[process], quantity=quantity, region=region,
                           client_country=client)
        return max(res["total_cost"] / quantity, 0.01), 0.0, 14


def _money(value: float, currency: str) -> Decimal:
    places = Decimal("1") if currency in ("KRW", "JPY", "VND") else Decimal("0.01")
    return max(Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP), places)


class HistoryWriter:
    """Generates the history project by project and writes it in bulk per chunk."""

    def __init__(self, *, rng: random.Random, now: dt.datetime, months: int) -> None:
        self.rng = rng
        self.now = now
        self.start = now - dt.timedelta(days=round(months * 30.44))
        self.firms = _Firms()
        self.costs = _Costs()
        self.coordinator = Organisation.objects.filter(
            kind="coordinator", memberships__user__username="demo-coordinator").first()
        # USD per unit: the newest stored rate per currency, else a rough fallback.
        self.usd = dict(FALLBACK_USD)
        seen: set[str] = set()
        for currency, rate in (CurrencyRate.objects.order_by("currency", "-as_of")
                               .values_list("currency", "rate_to_usd")):
            if currency not in seen:
                seen.add(currency)
                self.usd[currency] = float(rate)
        self.serial = 0

    # --- the sample startups -----------------------------------------------------------------

    def startups(self) -> list[Organisation]:
        orgs = [Organisation(kind="startup", name=f"{name} {SAMPLE_SUFFIX}",
                             slug=f"sample-history-{i + 1:02d}", country=country, region=region,
                             created_at=self.start - 30 * DAY)
                for i, (name, country, region) in enumerate(STARTUPS)]
        return list(Organisation.objects.bulk_create(orgs))

    # --- one chunk of projects ---------------------------------------------------------------

    def chunk(self, startups: list[Organisation], size: int) -> None:
        rows: dict[str, list[Any]] = {k: [] for k in (
            "project", "stage", "part", "rfq", "rfq_parts", "inv", "quote", "line", "msg",
            "award", "order", "order_award", "oline", "fa", "ship")}
        plans = [self._project(rng=self.rng, startups=startups, rows=rows) for _ in range(size)]
        for plan in plans:
            for request in plan["rfqs"]:
                self._rfq(plan, request, rows)
            # The project shows its last activity (a stage move, an RFQ event, an order step).
            plan["project"].updated_at = plan["updated_at"]
        # Parents first: bulk_create fills each child's foreign key from its saved parent.
        Project.objects.bulk_create(rows["project"], batch_size=2000)
        StageChange.objects.bulk_create(rows["stage"], batch_size=2000)
        Part.objects.bulk_create(rows["part"], batch_size=2000)
        self._write_requests(rows)

    def _project(self, *, rng: random.Random, startups: list[Organisation],
                 rows: dict[str, list[Any]]) -> dict[str, Any]:
        self.serial += 1
        span = (self.now - 20 * DAY - self.start).total_seconds()
        # More projects lately (the platform grows): the square root skews towards now.
        created = self.start + dt.timedelta(seconds=span * math.sqrt(rng.random()))
        startup = startups[rng.randrange(len(startups))]
        product = PRODUCTS[rng.randrange(len(PRODUCTS))]
        start_stage = _weighted(rng, (("business_design", 55), ("spec_review", 25),
                                      ("prototyping", 20)))
        currency = {"KR": "KRW", "JP": "JPY"}.get(startup.country, "USD")
        qty_proto = rng.choice((5, 10, 10, 20, 30))
        qty_pilot = rng.choice((100, 200, 300, 300, 500))
        qty_small = rng.choice((1000, 2000, 3000, 5000))
        qty_mass = rng.choice((10000, 20000, 30000, 50000))
        title = f"{product.capitalize()} {chr(65 + rng.randrange(26))}{rng.randint(1, 9)} " \
                f"{SAMPLE_SUFFIX}"
        coordinator = self.coordinator if rng.random() < 0.5 else None
        target_usd = rng.choice((8, 15, 25, 40, 80, 150))
        project = Project(
            organisation=startup, coordinator=coordinator, title=title,
            summary={"en": f"Sample data: a {product} of a sample startup (demo history).",
                     "ko": f"샘플 데이터: 샘플 스타트업의 {product} 프로젝트 (데모 이력).",
                     "ja": f"サンプルデータ: サンプルスタートアップの {product} (デモ履歴)。"},
            product_field=PRODUCT_FIELDS[rng.randrange(len(PRODUCT_FIELDS))],
            stage=start_stage, stage_changed_at=created, qty_prototype=qty_proto,
            qty_pilot=qty_pilot, qty_small_lot=qty_small, qty_mass=qty_mass,
            target_unit_cost=_money(target_usd / self.usd.get(currency, 1.0), currency),
            currency=currency, confidentiality="private", created_at=created,
            updated_at=created)
        rows["project"].append(project)
        # Stages: forward one step at a time, a DFM review may send it back to prototyping.
        stages = [StageChange(project=project, from_stage="", to_stage=start_stage, at=created,
                              note="Sample data.")]
        visits: list[tuple[str, dt.datetime, dt.datetime]] = []  # (stage, entered, left)
        stage, entered, went_back = start_stage, created, False
        quiet_at: dt.datetime | None = None
        while True:
            if stage == "mass_production":
                visits.append((stage, entered, self.now))
                break
            days = _lognormal(rng, STAGE_DAYS[stage], 0.6)
            left = entered + dt.timedelta(days=days)
            if rng.random() < QUIET[stage]:
                quiet_at = min(entered + dt.timedelta(days=days * rng.uniform(0.3, 0.9)),
                               self.now)
                visits.append((stage, entered, quiet_at))
                break
            if left >= self.now:
                visits.append((stage, entered, self.now))
                break
            visits.append((stage, entered, left))
            if stage == "dfm" and not went_back and rng.random() < REDESIGN:
                target, went_back = "prototyping", True
                note = "Sample data: the DFM review asks for a redesign before tooling."
            else:
                target = STAGES[STAGES.index(stage) + 1]
                note = "Sample data."
            stages.append(StageChange(project=project, from_stage=stage, to_stage=target,
                                      at=left, note=note))
            stage, entered = target, left
        project.stage = stage
        project.stage_changed_at = stages[-1].at
        rows["stage"].extend(stages)
        # Parts: two to four families, drawn without repeats.
        families = rng.sample(PARTS, rng.randint(2, 4))
        parts = [Part(project=project, name=name, quantity_per_unit=per_unit,
                      process_hints=[process],
                      material=material, position=i, notes=SAMPLE_NOTE,
                      spec={"size_mm": list(size)}, created_at=created, updated_at=created)
                 for i, (name, process, material, size, per_unit) in enumerate(families)]
        rows["part"].extend(parts)
        sizes = {id(p): fam[3] for p, fam in zip(parts, families, strict=True)}
        # Requests: one per process group of the parts asked at that stage.
        requests = []
        for stage_name, entered_at, left_at in visits:
            tiers = {"spec_review": [qty_proto], "prototyping": [qty_proto],
                     "dfm": [qty_pilot], "small_lot": [qty_pilot, qty_small],
                     "mass_production": [qty_small, qty_mass]}.get(stage_name)
            if tiers is None or (stage_name == "spec_review" and rng.random() > 0.25):
                continue
            small = stage_name in ("spec_review", "prototyping")
            groups: dict[str, list[Part]] = {}
            for part in parts:
                process = part.process_hints[0]
                if (small and process not in SMALL_LOT_PROCESSES) or (
                        not small and process in PROTOTYPE_ONLY):
                    continue
                groups.setdefault(process, []).append(part)
            for process, group in groups.items():
                if rng.random() < 0.2:
                    continue  # asked outside the platform
                length = (left_at - entered_at).total_seconds()
                at = entered_at + dt.timedelta(seconds=length * rng.uniform(0.05, 0.6))
                if at >= self.now - 12 * HOUR:
                    continue
                requests.append({"process": process, "parts": group, "tiers": tiers,
                                 "created": at})
        return {"project": project, "startup": startup, "parts": parts, "stages": stages,
                "sizes": sizes, "rfqs": requests, "currency": currency,
                "updated_at": max([stages[-1].at, *(r["created"] for r in requests)]),
                "quiet_at": quiet_at}

    # --- one RFQ with its invitations, quotes, award and order -------------------------------

    def _rfq(self, plan: dict[str, Any], request: dict[str, Any],
             rows: dict[str, list[Any]]) -> None:
        rng, now = self.rng, self.now
        project = plan["project"]
        parts: list[Part] = request["parts"]
        tiers: list[int] = request["tiers"]
        process = request["process"]
        pieces = tiers[0] * max(p.quantity_per_unit for p in parts)
        firms = self.firms.pick(rng, process, pieces, rng.choice((3, 4, 4, 5, 6)))
        if not firms:
            return
        created = request["created"]
        sent = created + dt.timedelta(hours=rng.uniform(0.5, 60))
        if sent >= now:
            sent = created
        deadline = sent + dt.timedelta(days=rng.choice((7, 10, 14, 14, 21)))
        rfq = RFQ(project=project, title=f"{taxonomy.label('process', process, 'en')}: "
                                         f"{', '.join(p.name for p in parts)} x{tiers[0]}",
                  quantity_tiers=tiers, quote_deadline=deadline, status="sent",
                  notes=SAMPLE_NOTE, created_at=created, sent_at=sent)
        rows["rfq"].append(rfq)
        rows["rfq_parts"].extend((rfq, p) for p in parts)
        offers: list[tuple[float, Quote, Invitation, list[QuoteLine]]] = []
        last_event = sent
        invitations = []
        for firm_id in firms:
            inv, quotes, event = self._invitation(rfq, firm_id, parts, tiers, plan, rows)
            invitations.append(inv)
            last_event = max(last_event, event)
            offers.extend(quotes)
        # The decision: after the quote deadline, to a cheap quote (cheaper = likelier).
        award_at = deadline + dt.timedelta(days=rng.uniform(0.5, 8))
        live = [o for o in offers if o[1].status == "submitted"]
        if deadline >= now:
            pass  # still open
        elif live and award_at < now and rng.random() < 0.72:
            weights = [1.0 / (o[0] ** 2) for o in live]
            _total, quote, inv, lines = rng.choices(live, weights=weights)[0]
            rfq.status, rfq.closed_at = "awarded", award_at
            for other in live:
                other[1].status = "lost"
            quote.status = "awarded"
            award = Award(rfq=rfq, quote=quote, note=SAMPLE_NOTE, created_at=award_at)
            rows["award"].append(award)
            last_event = max(last_event, award_at)
            last_event = max(last_event, self._order(rfq, award, quote, inv, lines, parts,
                                                     tiers, plan, rows))
        elif rng.random() < 0.25 and award_at < now:
            rfq.status, rfq.closed_at = "cancelled", award_at
            last_event = max(last_event, award_at)
        else:
            rfq.status, rfq.closed_at = "closed", deadline + dt.timedelta(minutes=5)
        if rfq.status != "awarded":
            today = timezone.localdate(now)
            for _total, quote, _inv, _lines in live:
                if quote.valid_until < today:
                    quote.status = "expired"
        # The worker marks silence: no first answer by the acknowledgement deadline, or no
        # quote or decline by the quote deadline while the request was still open.
        for inv in invitations:
            answers = [t for t in (inv.acknowledged_at, inv.replied_at) if t is not None]
            first = min(answers) if answers else None
            if inv.ack_deadline < now and (first is None or first > inv.ack_deadline):
                inv.overdue_at = inv.ack_deadline + dt.timedelta(minutes=5)
            elif (inv.status in ("sent", "viewed", "acknowledged") and deadline < now
                  and (rfq.closed_at is None or rfq.closed_at > deadline)):
                inv.overdue_at = deadline + dt.timedelta(minutes=5)
        plan["updated_at"] = max(plan["updated_at"], min(last_event, now))

    def _invitation(self, rfq: RFQ, firm_id: int, parts: list[Part], tiers: list[int],
                    plan: dict[str, Any], rows: dict[str, list[Any]]
                    ) -> tuple[Invitation, list[Any], dt.datetime]:
        rng, now = self.rng, self.now
        country, level, _synthetic, _source = self.firms.info[firm_id]
        ack_h, answers, quote_days, decline_share, _fa, currency = FIRM_HABITS.get(
            country, OTHER_HABITS)
        sent, deadline = rfq.sent_at, rfq.quote_deadline
        assert sent is not None
        inv = Invitation(rfq=rfq, manufacturer_id=firm_id, status="sent", sent_at=sent,
                         ack_deadline=ack_deadline_after(sent), quote_deadline=deadline)
        rows["inv"].append(inv)
        horizon = min(deadline, now)
        first = sent + dt.timedelta(hours=_lognormal(rng, ack_h, 1.0))
        event = sent
        if rng.random() > answers or first > horizon:
            if rng.random() < 0.5 and first < horizon:
                inv.status, inv.viewed_at = "viewed", first
                event = first
            return inv, [], event
        inv.viewed_at = first - dt.timedelta(minutes=rng.uniform(1, 90))
        if inv.viewed_at < sent:
            inv.viewed_at = sent + dt.timedelta(minutes=1)
        if rng.random() < decline_share:
            inv.status, inv.replied_at = "declined", first
            reason = _weighted(rng, DECLINE_REASONS)
            if reason == "quantity_too_small" and tiers[0] >= 1000:
                reason = "quantity_too_large" if rng.random() < 0.3 else "capacity"
            inv.decline_reason = reason
            inv.decline_note = "Sample data." if reason != "other" else \
                "Sample data: our line is booked by an automotive programme."
            return inv, [], first
        direct = rng.random() < 0.3  # the quote is the acknowledgement
        quote_at = first if direct else first + dt.timedelta(
            days=_lognormal(rng, quote_days, 0.7))
        if not direct:
            inv.status, inv.acknowledged_at = "acknowledged", first
            event = first
            if rng.random() < 0.12:
                q, a = QUESTIONS[rng.randrange(len(QUESTIONS))]
                asked = first + dt.timedelta(hours=rng.uniform(1, 30))
                if asked < min(quote_at, horizon):
                    rows["msg"].append(Message(invitation=inv, from_manufacturer=True, body=q,
                                               created_at=asked))
                    answered = asked + dt.timedelta(hours=rng.uniform(0.5, 20))
                    if answered < now:
                        rows["msg"].append(Message(invitation=inv, from_manufacturer=False,
                                                   body=a, created_at=answered))
        if quote_at > horizon:
            return inv, [], event
        inv.status, inv.replied_at = "quoted", quote_at
        noise = _lognormal(rng, 1.0, 0.22) * level
        startup_country = plan["startup"].country or "KR"
        rate = self.usd.get(currency, 1.0)
        lines, total, lead, tooling = [], 0.0, 0, 0.0
        for part in parts:
            size = plan["sizes"][id(part)]
            for tier in tiers:
                q = tier * max(part.quantity_per_unit, 1)
                unit, tool, days = self.costs.get(part.process_hints[0], part.material, size,
                                                  country, startup_country, q)
                price = unit * noise * _lognormal(rng, 1.0, 0.05)
                lines.append((part, tier, price))
                if tier == tiers[0]:
                    total += price * q
                    tooling += tool
                lead = max(lead, days)
        tooling *= _lognormal(rng, 1.0, 0.25)
        total += tooling
        lead_days = max(3, round(lead * _lognormal(rng, 1.0, 0.25)))
        revisions = 2 if rng.random() < 0.15 else 1
        out: list[tuple[float, Quote, Invitation, list[QuoteLine]]] = []
        for revision in range(1, revisions + 1):
            at = quote_at if revision == 1 else quote_at + dt.timedelta(
                days=rng.uniform(0.5, 3))
            if at > horizon:
                break
            factor = 1.0 if revision == 1 else rng.uniform(0.9, 0.97)
            quote = Quote(invitation=inv, revision=revision, status="submitted",
                          currency=currency,
                          tooling_cost=_money(tooling * factor / rate, currency)
                          if tooling else Decimal("0"),
                          lead_time_days=lead_days,
                          valid_until=timezone.localdate(at) + dt.timedelta(
                              days=rng.choice((30, 45, 60))),
                          notes=SAMPLE_NOTE, submitted_at=at)
            if out:
                out[-1][1].status = "revised"
            quote_lines = [QuoteLine(quote=quote, part=part, tier=tier,
                                     unit_price=_money(price * factor / rate, currency))
                           for part, tier, price in lines]
            rows["quote"].append(quote)
            rows["line"].extend(quote_lines)
            out.append((total * factor, quote, inv, quote_lines))
            event = at
        return inv, out, event

    def _order(self, rfq: RFQ, award: Award, quote: Quote, inv: Invitation,
               lines: list[QuoteLine], parts: list[Part], tiers: list[int],
               plan: dict[str, Any], rows: dict[str, list[Any]]) -> dt.datetime:
        """The award's order, walked through its states up to now; returns its last event."""
        rng, now = self.rng, self.now
        country = self.firms.info[inv.manufacturer_id][0]
        fa_reject = FIRM_HABITS.get(country, OTHER_HABITS)[4]
        placed: dt.datetime = award.created_at
        order = Order(rfq=rfq, project=plan["project"], startup=plan["startup"],
                      manufacturer_id=inv.manufacturer_id, quote=quote, status="placed",
                      currency=quote.currency, tooling_cost=quote.tooling_cost,
                      lead_time_days=quote.lead_time_days, placed_at=placed, updated_at=placed)
        rows["order"].append(order)
        rows["order_award"].append((order, award))
        tier = min(tiers)
        prices = {(id(ln.part), ln.tier): ln.unit_price for ln in lines}
        pieces = 0
        for part in parts:
            quantity = tier * max(part.quantity_per_unit, 1)
            pieces += quantity
            rows["oline"].append(OrderLine(order=order, part=part, quantity=quantity,
                                           unit_price=prices[(id(part), tier)]))
        steps: list[tuple[dt.datetime, str]] = []  # (when, status after it)
        confirmed = placed + dt.timedelta(hours=rng.uniform(4, 72))
        promised = timezone.localdate(placed) + dt.timedelta(days=quote.lead_time_days)
        if rng.random() < 0.04:  # cancelled before production
            cancel_at = confirmed + dt.timedelta(days=rng.uniform(1, 10))
            if cancel_at < now:
                order.status, order.cancel_reason = "cancelled", _weighted(rng, tuple(
                    (c, 1) for c in CancelReason.values if c != "other"))
                order.status_note = "Sample data."
                order.closed_at = cancel_at
                order.updated_at = cancel_at
                return cancel_at
        steps.append((confirmed, "confirmed"))
        steps.append((confirmed + dt.timedelta(hours=rng.uniform(2, 48)), "in_production"))
        t = steps[-1][0]
        lead = dt.timedelta(days=quote.lead_time_days)
        first_articles: list[FirstArticle] = []
        delay_days = 0.0
        process = parts[0].process_hints[0]
        needs_fa = process not in ("pcb_assembly", "cable_harness") or rng.random() < 0.4
        if needs_fa:
            attempt = 1
            submit = max(placed + lead * rng.uniform(0.45, 0.7), t + HOUR)
            while True:
                decided = submit + dt.timedelta(days=rng.uniform(0.5, 4))
                reject = rng.random() < (fa_reject if attempt == 1 else fa_reject / 3)
                fa = FirstArticle(order=order, attempt=attempt, note="Sample data.",
                                  submitted_at=submit,
                                  decision="rejected" if reject else "approved",
                                  findings="Sample data: sink marks near the boss." if reject
                                  else "", decided_at=decided)
                first_articles.append(fa)
                steps.append((submit, "fa_submitted"))
                steps.append((decided, "in_production" if reject else "fa_approved"))
                if not reject or attempt == 3:
                    t = decided
                    break
                attempt += 1
                delay_days += (submit - placed).days * 0.3 + 5
                submit = decided + dt.timedelta(days=rng.uniform(6, 14))
            if first_articles[-1].decision == "rejected":
                first_articles[-1].decision = "approved"  # the third attempt passes
                first_articles[-1].findings = ""
                steps[-1] = (steps[-1][0], "fa_approved")
        late = rng.random() < 0.22 + 0.02 * delay_days
        slip = rng.uniform(2, 25) + delay_days if late else -rng.uniform(0, 5)
        shipped_on = promised + dt.timedelta(days=round(slip))
        ship_at = max(dt.datetime.combine(shipped_on, dt.time(10), tzinfo=dt.UTC),
                      t + HOUR)
        shipped_on = timezone.localdate(ship_at)
        steps.append((ship_at, "shipped"))
        domestic = country == plan["startup"].country
        delivered = ship_at + dt.timedelta(days=rng.uniform(1, 3) if domestic
                                           else rng.uniform(4, 9))
        steps.append((delivered, "delivered"))
        dispute = rng.random() < 0.04
        if dispute:
            steps.append((delivered + dt.timedelta(days=rng.uniform(1, 6)), "disputed"))
        elif rng.random() < 0.8:
            steps.append((delivered + dt.timedelta(days=rng.uniform(3, 20)), "closed"))
        last = placed
        for when, status in steps:
            if when > now:
                break
            order.status, last = status, when
            if status == "confirmed":
                order.confirmed_at = when
                order.promised_ship_date = promised
            elif status == "shipped":
                partial = rng.random() < 0.1 and pieces > 10
                first_qty = pieces // 2 if partial else pieces
                rows["ship"].append(Shipment(order=order, quantity=first_qty,
                                             shipped_on=shipped_on, carrier=rng.choice(
                                                 ("CJ Logistics", "Yamato", "SF Express",
                                                  "DHL", "FedEx")),
                                             tracking_number=f"SAMPLE-{len(rows['ship']):05d}",
                                             created_at=when))
                if partial:
                    rows["ship"].append(Shipment(order=order, quantity=pieces - first_qty,
                                                 shipped_on=shipped_on, carrier="DHL",
                                                 tracking_number="SAMPLE-REST",
                                                 created_at=when))
            elif status == "delivered":
                order.delivered_at = when
                order.on_time = shipped_on <= promised
            elif status == "closed":
                order.closed_at = when
            elif status == "disputed":
                order.dispute_reason = "late" if not order.on_time else _weighted(
                    rng, (("shortfall", 2), ("defect", 3), ("spec", 1)))
                order.status_note = "Sample data."
        rows["fa"].extend(fa for fa in first_articles if fa.submitted_at <= now)
        for fa in first_articles:
            if fa.decided_at and fa.decided_at > now:
                fa.decision, fa.findings, fa.decided_at = "pending", "", None
        order.updated_at = last
        if order.status == "placed":
            order.promised_ship_date = None
        return last

    # --- writing -----------------------------------------------------------------------------

    def _write_requests(self, rows: dict[str, list[Any]]) -> None:
        batch = 2000
        RFQ.objects.bulk_create(rows["rfq"], batch_size=batch)
        through = RFQ.parts.through
        through.objects.bulk_create([through(rfq_id=r.pk, part_id=p.pk)
                                     for r, p in rows["rfq_parts"]], batch_size=batch)
        Invitation.objects.bulk_create(rows["inv"], batch_size=batch)
        Quote.objects.bulk_create(rows["quote"], batch_size=batch)
        QuoteLine.objects.bulk_create(rows["line"], batch_size=batch)
        Message.objects.bulk_create(rows["msg"], batch_size=batch)
        Award.objects.bulk_create(rows["award"], batch_size=batch)
        Order.objects.bulk_create(rows["order"], batch_size=batch)
        link = Order.awards.through
        link.objects.bulk_create([link(order_id=o.pk, award_id=a.pk)
                                  for o, a in rows["order_award"]], batch_size=batch)
        OrderLine.objects.bulk_create(rows["oline"], batch_size=batch)
        FirstArticle.objects.bulk_create(rows["fa"], batch_size=batch)
        Shipment.objects.bulk_create(rows["ship"], batch_size=batch)

    def refresh_figures(self) -> None:
        """Reply and delivery figures of the firms the history touched, through the services
        that keep them (they read the invitations and orders just written)."""
        from shisaku.orders.services import delivery_stats_refresh
        from shisaku.rfq.services import reply_stats_update

        startups = sample_startups()
        invited = (Invitation.objects.filter(rfq__project__organisation__in=startups)
                   .values_list("manufacturer_id", flat=True).distinct())
        firms = Manufacturer.objects.in_bulk(list(invited))
        ordered = set(Order.objects.filter(startup__in=startups)
                      .values_list("manufacturer_id", flat=True).distinct())
        for firm_id in sorted(firms):
            reply_stats_update(manufacturer=firms[firm_id], now=self.now)
            if firm_id in ordered:
                delivery_stats_refresh(manufacturer=firms[firm_id], now=self.now)
