"""The figures of one filter computed directly from the raw rows, the slow and plain way.

This is what a page would cost without the stored aggregates (the baseline of
``shisaku bench insights``) and the reference the tests compare every stored cell with: each
group selects its rows with ordinary filtered queries for one (geography, process, period) and
applies the same number rules (``build.count_cell`` …) to them. Returns None where the stored
aggregates hold no cell (no row matches). The estimate-versus-quotes group has no reference.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

import numpy as np
from django.db.models import Min, Q

from shisaku.insights.build import (
    CONSORTIUM_STATUSES,
    DECLINE_REASONS,
    STAGES,
    count_cell,
    quantile_cell,
    share_cell,
)
from shisaku.insights.choices import (
    JOINT_SIZES,
    MIN_GROUP,
    PERIODS,
    PRODUCTION_STAGES,
    QUIET_DAYS,
    QUOTE_BINS_H,
    SUPPRESSED,
)

__all__ = ["reference_cell"]


def _geo(prefix: str, geo: str) -> Q:
    if not geo:
        return Q()
    return Q(**{f"{prefix}{'country' if len(geo) == 2 else 'region'}": geo})


def _since(period: str, now: dt.datetime) -> dt.datetime | None:
    days = PERIODS[period]
    return None if days is None else now - dt.timedelta(days=days)


def _part_hints(part_ids: Any = None) -> dict[int, set[str]]:
    from shisaku.projects.models import Part

    qs = Part.objects.all() if part_ids is None else Part.objects.filter(id__in=part_ids)
    return {pk: {h for h in (hints or []) if isinstance(h, str)}
            for pk, hints in qs.values_list("id", "process_hints")}


def _rfq_processes(rfq_ids: list[int]) -> dict[int, set[str]]:
    from shisaku.rfq.models import RFQ

    links = list(RFQ.parts.through.objects.filter(rfq_id__in=rfq_ids).values_list(
        "rfq_id", "part_id"))
    hints = _part_hints({p for _r, p in links})
    out: dict[int, set[str]] = {}
    for rfq, part in links:
        out.setdefault(rfq, set()).update(hints.get(part, ()))
    return out


def _hours(a: Any, b: Any) -> float:
    return (b - a).total_seconds() / 3600.0 if a is not None and b is not None else np.nan


def _days(a: Any, b: Any) -> float:
    return (b - a).total_seconds() / 86400.0 if a is not None and b is not None else np.nan


def _response(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.rfq.models import Invitation

    qs = Invitation.objects.filter(_geo("manufacturer__", geo))
    since = _since(period, now)
    if since is not None:
        qs = qs.filter(sent_at__gte=since)
    rows = list(qs.values_list("rfq_id", "manufacturer_id", "status", "sent_at",
                               "acknowledged_at", "replied_at", "decline_reason"))
    if process:
        procs = _rfq_processes(sorted({r[0] for r in rows}))
        rows = [r for r in rows if process in procs.get(r[0], ())]
    if not rows:
        return None
    o = np.array([r[1] for r in rows])
    every = np.ones(len(rows), dtype=bool)
    ack = np.array([_hours(r[3], r[4]) for r in rows])
    quote = np.array([_hours(r[3], r[5]) if r[2] == "quoted" else np.nan for r in rows])
    declined = np.array([r[2] == "declined" for r in rows])
    reason = np.array([r[6] if r[2] == "declined" else "" for r in rows])
    bins = []
    edges = (0.0, *QUOTE_BINS_H, np.inf)
    for lo, hi in pairwise(edges):
        bins.append(count_cell((quote >= lo) & (quote < hi), o))
    firms = len(set(o.tolist()))
    return {
        "invitations": count_cell(every, o),
        "firms": firms if firms >= MIN_GROUP else SUPPRESSED,
        "response_rate": share_cell(np.array([r[5] is not None for r in rows]), every, o),
        "ack_median": quantile_cell(ack, o, 50), "ack_p90": quantile_cell(ack, o, 90),
        "quote_median": quantile_cell(quote, o, 50), "quote_p90": quantile_cell(quote, o, 90),
        "declined_share": share_cell(declined, every, o),
        "reasons": {r: count_cell(reason == r, o) for r in DECLINE_REASONS},
        "quote_bins": bins,
    }


def _supply(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.directory.models import Manufacturer
    from shisaku.taxonomy import codes

    if period != "all":
        return None
    qs = Manufacturer.objects.filter(_geo("", geo))
    if process:
        qs = qs.filter(capabilities__process=process).distinct()
    rows = list(qs.values_list("id", "stages", "certifications", "accepts_foreign",
                               "organisation_id"))
    if not rows:
        return None
    o = np.array([r[0] for r in rows])
    every = np.ones(len(rows), dtype=bool)
    return {
        "firms": count_cell(every, o),
        "stages": {s: count_cell(np.array([s in (r[1] or []) for r in rows]), o)
                   for s in STAGES},
        "shares": {"accepts_foreign": share_cell(np.array([bool(r[3]) for r in rows]), every, o),
                   "account": share_cell(np.array([r[4] is not None for r in rows]), every, o),
                   **{c: share_cell(np.array([c in (r[2] or []) for r in rows]), every, o)
                      for c in codes("certification")}},
    }


def _funnel(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.orders.models import Order
    from shisaku.rfq.models import RFQ, Award, Quote

    qs = RFQ.objects.filter(sent_at__isnull=False)
    if geo:
        qs = qs.filter(_geo("invitations__manufacturer__", geo)).distinct()
    since = _since(period, now)
    if since is not None:
        qs = qs.filter(sent_at__gte=since)
    # the owner of project figures is the startup (project__organisation_id)
    rows = list(qs.values_list("id", "project_id", "sent_at", "project__organisation_id"))
    if process:
        procs = _rfq_processes([r[0] for r in rows])
        rows = [r for r in rows if process in procs.get(r[0], ())]
    if not rows:
        return None
    ids = [r[0] for r in rows]
    quoted = dict(Quote.objects.filter(invitation__rfq_id__in=ids).values(
        "invitation__rfq_id").annotate(t=Min("submitted_at")).values_list(
        "invitation__rfq_id", "t"))
    awarded = dict(Award.objects.filter(rfq_id__in=ids).values("rfq_id").annotate(
        t=Min("created_at")).values_list("rfq_id", "t"))
    delivered = dict(Order.objects.filter(rfq_id__in=ids, delivered_at__isnull=False).values(
        "rfq_id").annotate(t=Min("delivered_at")).values_list("rfq_id", "t"))
    o = np.array([r[3] for r in rows])
    q = [quoted.get(r[0]) for r in rows]
    a = [awarded.get(r[0]) for r in rows]
    d = [delivered.get(r[0]) for r in rows]
    return {
        "sent": count_cell(np.ones(len(rows), dtype=bool), o),
        "quoted": count_cell(np.array([x is not None for x in q]), o),
        "awarded": count_cell(np.array([x is not None for x in a]), o),
        "delivered": count_cell(np.array([x is not None for x in d]), o),
        "days_to_quote": quantile_cell(np.array([_days(r[2], x) for r, x in zip(
            rows, q, strict=True)]), o, 50),
        "days_to_award": quantile_cell(np.array([_days(x, y) for x, y in zip(
            q, a, strict=True)]), o, 50),
        "days_to_deliver": quantile_cell(np.array([_days(x, y) for x, y in zip(
            a, d, strict=True)]), o, 50),
    }


def _stall(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.projects.models import Project, StageChange
    from shisaku.rfq.models import RFQ

    if len(geo) > 2:
        return None  # projects are placed by their startup's country only
    qs = Project.objects.filter(deleted_at__isnull=True)
    if geo:
        qs = qs.filter(organisation__country=geo)
    since = _since(period, now)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    rows = list(qs.values_list("id", "stage", "stage_changed_at", "created_at",
                               "organisation_id"))
    if process:
        hints = _part_hints()
        from shisaku.projects.models import Part
        by_project: dict[int, set[str]] = {}
        for part, project in Part.objects.values_list("id", "project_id"):
            by_project.setdefault(project, set()).update(hints.get(part, ()))
        rows = [r for r in rows if process in by_project.get(r[0], ())]
    if not rows:
        return None
    order = {s: i for i, s in enumerate(STAGES)}
    quiet_before = now - dt.timedelta(days=QUIET_DAYS)
    stage, quiet, reached, back = [], [], [], []
    spent: dict[str, list[float]] = {s: [] for s in STAGES}
    ids = [r[0] for r in rows]
    changes: dict[int, list[tuple[Any, str, str]]] = {}
    for project, at, src, dst in StageChange.objects.filter(project_id__in=ids).order_by(
            "at", "id").values_list("project_id", "at", "from_stage", "to_stage"):
        changes.setdefault(project, []).append((at, src, dst))
    rfq_times: dict[int, list[Any]] = {}
    for project, at in RFQ.objects.filter(project_id__in=ids).values_list("project_id",
                                                                          "created_at"):
        rfq_times.setdefault(project, []).append(at)
    for pk, current_stage, stage_at, created, _org in rows:
        steps = changes.get(pk, [])
        totals: dict[str, float] = {}
        entered, current = created, (steps[0][1] or None) if steps else None
        for at, _src, dst in steps:
            if current in order:
                totals[current] = totals.get(current, 0.0) + max(0.0, _days(entered, at))
            entered, current = at, dst
        for s in STAGES:
            spent[s].append(totals.get(s, np.nan))
        last = max([stage_at, created, *(s[0] for s in steps), *rfq_times.get(pk, [])])
        stage.append(current_stage)
        quiet.append(last < quiet_before and current_stage != "mass_production")
        reached.append(current_stage in PRODUCTION_STAGES
                       or any(src in PRODUCTION_STAGES for _a, src, _d in steps))
        back.append(any(src in PRODUCTION_STAGES and dst and order.get(dst, 0) < order[src]
                        for _a, src, dst in steps))
    o = np.array([r[4] for r in rows])
    st, qu = np.array(stage), np.array(quiet)
    re_, ba = np.array(reached), np.array(back)
    return {
        "projects": {s: count_cell(st == s, o) for s in STAGES},
        "quiet": {s: count_cell((st == s) & qu, o) for s in STAGES},
        "days_in_stage": {s: quantile_cell(np.array(spent[s]), o, 50) for s in STAGES},
        "reached_production": count_cell(re_, o), "moved_back": count_cell(ba, o),
        "moved_back_share": share_cell(ba, re_, o),
    }


def _collab(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.consortia.models import Consortium
    from shisaku.projects.models import Part

    qs = Consortium.objects.all()
    if geo:
        qs = qs.filter(_geo("members__manufacturer__", geo)).distinct()
    since = _since(period, now)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    rows = list(qs.values_list("id", "project_id", "status", "project__organisation_id"))
    if process:
        hints = _part_hints()
        by_project: dict[int, set[str]] = {}
        for part, project in Part.objects.values_list("id", "project_id"):
            by_project.setdefault(project, set()).update(hints.get(part, ()))
        rows = [r for r in rows if process in by_project.get(r[1], ())]
    if not rows:
        return None
    from shisaku.consortia.models import ConsortiumMember

    accepted: dict[int, set[int]] = {}
    for cid, firm in ConsortiumMember.objects.filter(
            consortium_id__in=[r[0] for r in rows], state="accepted").values_list(
            "consortium_id", "manufacturer_id"):
        accepted.setdefault(cid, set()).add(firm)
    sizes = []
    for pk, _project, status, _org in rows:
        n = len(accepted.get(pk, ())) if status == "formed" else 0
        sizes.append(float(n) if n else np.nan)
    o = np.array([r[3] for r in rows])
    status = np.array([r[2] for r in rows])
    size = np.array(sizes)
    out_sizes = {}
    for label in JOINT_SIZES:
        sel = size >= float(label[:-1]) if label.endswith("+") else size == float(label)
        out_sizes[label] = count_cell(sel, o)
    return {"status": {s: count_cell(status == s, o) for s in CONSORTIUM_STATUSES},
            "sizes": out_sizes, "size_median": quantile_cell(size, o, 50)}


def _delivery(geo: str, process: str, period: str, now: dt.datetime) -> dict[str, Any] | None:
    from shisaku.orders.models import FirstArticle, Order, OrderLine

    rows = list(Order.objects.filter(_geo("manufacturer__", geo)).values_list(
        "id", "manufacturer_id", "placed_at", "delivered_at", "on_time"))
    since = _since(period, now)
    if since is not None:
        rows = [r for r in rows if (r[3] or r[2]) >= since]
    if process:
        lines = OrderLine.objects.filter(order_id__in=[r[0] for r in rows]).values_list(
            "order_id", "part_id")
        hints = _part_hints()
        procs: dict[int, set[str]] = {}
        for order, part in lines:
            procs.setdefault(order, set()).update(hints.get(part, ()))
        rows = [r for r in rows if process in procs.get(r[0], ())]
    if not rows:
        return None
    firsts = {}
    for order, decision in FirstArticle.objects.filter(
            order_id__in=[r[0] for r in rows]).exclude(decision="pending").order_by(
            "order_id", "submitted_at", "id").values_list("order_id", "decision"):
        firsts.setdefault(order, decision)
    o = np.array([r[1] for r in rows])
    delivered = np.array([r[3] is not None and r[4] is not None for r in rows])
    fa = np.array([r[0] in firsts for r in rows])
    return {"orders": count_cell(np.ones(len(rows), dtype=bool), o),
            "delivered": count_cell(delivered, o),
            "on_time_rate": share_cell(np.array([bool(r[4]) for r in rows]), delivered, o),
            "first_articles": count_cell(fa, o),
            "first_pass_rate": share_cell(np.array([firsts.get(r[0]) == "approved"
                                                    for r in rows]), fa, o)}


_GROUPS = {"supply": _supply, "response": _response, "funnel": _funnel, "stall": _stall,
           "collab": _collab, "delivery": _delivery}
GROUPS_WITH_REFERENCE = tuple(_GROUPS)


def reference_cell(group: str, *, geo: str, process: str, period: str,
                   now: dt.datetime) -> dict[str, Any] | None:
    """The cell data of ``group`` for one filter, computed from raw rows at ``now``."""
    return _GROUPS[group](geo, process, period, now)
