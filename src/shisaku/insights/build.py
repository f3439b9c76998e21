"""The worker's job: compute every insights cell from the raw rows, once per data change.

:func:`insights_refresh` reads the directory, invitations, RFQs, projects, consortia, estimates
and orders, turns each into a table of *facts* (one row per firm / invitation / RFQ / project /
consortium / quote line / order, with the geography and processes it belongs to) and computes,
for every combination of geography ("" all, a country, a region) × process ("" all, a code) ×
period present in the data, the figures of one group (``choices.GROUPS``). Suppression is
applied here: a number from fewer than ``MIN_GROUP`` firms (startups, for the project
figures) is stored as
``SUPPRESSED`` and never reaches a page, a CSV, the API or open data.

Shapes: a cell's ``data`` is a flat JSON object per group (see the ``_m_*`` functions);
durations in hours (responsiveness) or days (funnel, stages); shares in [0, 1].
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from shisaku.core.models import DataGeneration
from shisaku.core.services import generation_bump
from shisaku.insights.choices import (
    JOINT_SIZES,
    MIN_GROUP,
    PERIODS,
    PRODUCTION_STAGES,
    QTY_BAND_CODES,
    QTY_BANDS,
    QUIET_DAYS,
    QUOTE_BINS_H,
    SUPPRESSED,
)
from shisaku.insights.models import InsightBuild, InsightCell

__all__ = ["GENERATION", "insights_refresh", "source_signature"]

GENERATION = "insights"
STAGES = ("business_design", "spec_review", "prototyping", "dfm", "small_lot", "mass_production")
DECLINE_REASONS = ("capacity", "capability", "quantity_too_small", "quantity_too_large",
                   "spec_unclear", "price", "other")
CONSORTIUM_STATUSES = ("proposed", "inviting", "formed", "failed")
NAN = float("nan")


# --- numbers with the suppression rule -------------------------------------------------------

def _owners(owner: np.ndarray, mask: np.ndarray | None = None) -> int:
    """Distinct owners (linear when ``owner`` is sorted, as the cube passes it)."""
    sel = owner if mask is None else owner[mask]
    if sel.size < 2:
        return int(sel.size)
    steps = sel[1:] != sel[:-1]
    if sel.size < 64 or not bool((sel[1:] >= sel[:-1]).all()):
        return int(np.unique(sel).size)
    return int(np.count_nonzero(steps)) + 1


def count_cell(mask: np.ndarray, owner: np.ndarray) -> int | str:
    """How many rows ``mask`` selects; SUPPRESSED when they come from 1-4 owners."""
    n = int(mask.sum())
    if n == 0:
        return 0
    return n if _owners(owner, mask) >= MIN_GROUP else SUPPRESSED


def share_cell(num: np.ndarray, den: np.ndarray, owner: np.ndarray) -> float | str | None:
    """num / den rows (num ⊆ den); SUPPRESSED when either side stands on 1-4 owners."""
    d = int(den.sum())
    if d == 0:
        return None
    if _owners(owner, den) < MIN_GROUP:
        return SUPPRESSED
    n = int((num & den).sum())
    if n and _owners(owner, num & den) < MIN_GROUP:
        return SUPPRESSED
    return round(n / d, 4)


def quantile_cell(values: np.ndarray, owner: np.ndarray, q: float) -> float | str | None:
    """The q-th percentile (linear, numpy's default) of the non-NaN values."""
    ok = ~np.isnan(values)
    if not ok.any():
        return None
    if _owners(owner, ok) < MIN_GROUP:
        return SUPPRESSED
    return round(float(np.percentile(values[ok], q)), 2)


# --- complementary suppression ------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Margin:
    """A count a reader can compute from a cell: the rows ``select(cols, idx)`` picks.

    ``fields`` are the data paths that show it (a count, or a share whose numerator it is);
    they are hidden together. ``needs`` must be shown too for the count to be derivable (the
    denominator of a share). ``parts``: sets of margins of the same cell whose rows lie inside
    this one's, disjoint within a set (declines by reason inside declines; on-time deliveries
    inside deliveries): a reader can subtract them from this count."""

    fields: tuple[Path_, ...]
    needs: tuple[Path_, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()


@dataclass
class Margins:
    """The margins of one group: name -> Margin, and ``select(name, idx)`` -> bool mask."""

    spec: dict[str, Margin]
    select: Callable[[str, np.ndarray], np.ndarray]


def _get(data: dict[str, Any], path: Path_) -> Any:
    value: Any = data
    for key in path:
        value = value[key]
    return value


def _hide(data: dict[str, Any], path: Path_) -> None:
    holder: Any = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = SUPPRESSED


def _shown(data: dict[str, Any] | None, margin: Margin) -> bool:
    if data is None:
        return True  # no row at all: a known zero
    return all(_get(data, p) != SUPPRESSED for p in (*margin.fields, *margin.needs))


def complement(out: dict[tuple[str, str, str], dict[str, Any]],
               index: dict[tuple[str, str, str], np.ndarray], owner: np.ndarray,
               margins: Margins) -> int:
    """Complementary suppression: no difference of shown numbers isolates 1-4 owners.

    A *family* is a shown total and the shown parts a reader could subtract from it: a
    country and its regions, all areas and the countries (same process and period); a longer
    period and a shorter one (same area and process); a count and its parts in the same cell
    (``Margin.parts``). For each family the *residual* — rows of the total in no shown part —
    must come from 0 or at least ``MIN_GROUP`` owners; otherwise the shown part with the fewest
    rows (then the next) is hidden as well, and the total itself when no part is left. Runs
    until nothing changes; returns how many numbers it hid. Mutates ``out``."""
    # Selections are recomputed per family (cheap masks) rather than kept for every cell and
    # margin, which would hold several copies of the fact table; one flag per fact row marks
    # the rows a shown part covers (linear, no sorting).
    rows_of: dict[tuple[tuple[str, str, str], str], np.ndarray] = {}
    covered = np.zeros(owner.size, dtype=bool)

    def rows(key: tuple[str, str, str], name: str) -> np.ndarray:
        got = rows_of.get((key, name))
        if got is None:
            idx = index[key]
            got = rows_of[(key, name)] = idx[margins.select(name, idx)]
        return got

    Family = tuple[tuple[str, str, str], list[tuple[str, str, str]],
                   tuple[str, tuple[str, ...]] | None]
    families: list[Family] = []
    by_pp: dict[tuple[str, str], list[str]] = {}
    by_gp: dict[tuple[str, str], set[str]] = {}
    for geo, proc, period in out:
        by_pp.setdefault((proc, period), []).append(geo)
        by_gp.setdefault((geo, proc), set()).add(period)
    for (proc, period), present in by_pp.items():
        for parent in present:
            if parent == "":
                kids = [g for g in present if len(g) == 2]
            elif len(parent) == 2:
                kids = [g for g in present if g.startswith(parent + "-")]
            else:
                continue
            if kids:
                families.append(((parent, proc, period), [(k, proc, period) for k in kids],
                                 None))
    nested = [p for p in PERIODS if p != "all"]  # longer first
    for (geo, proc), present in by_gp.items():
        chain = [p for p in ("all", *nested) if p in present]
        for i, longer in enumerate(chain):
            for shorter in chain[i + 1:]:
                families.append(((geo, proc, longer), [(geo, proc, shorter)], None))
    for key in out:
        for name, margin in margins.spec.items():
            for group in margin.parts:
                families.append((key, [key], (name, group)))

    hidden = 0
    dirty: set[tuple[str, str, str]] | None = None  # None: the first pass checks every family
    while dirty is None or dirty:
        touched: set[tuple[str, str, str]] = set()
        for parent, kids, within in families:
            if dirty is not None and parent not in dirty and dirty.isdisjoint(kids):
                continue  # nothing in this family changed since it was last found safe
            names = [within[0]] if within else list(margins.spec)
            for name in names:
                total = margins.spec[name]
                if not _shown(out[parent], total):
                    continue
                # (cell key, margin name) of every part a reader can subtract
                parts = ([(parent, p) for p in within[1]] if within
                         else [(k, name) for k in kids])
                base = rows(parent, name)
                if not base.size:
                    continue  # a zero total: nothing to isolate
                while True:
                    shown = [(k, m) for k, m in parts
                             if _shown(out[k], margins.spec[m])]
                    for k, m in shown:
                        covered[rows(k, m)] = True
                    rest = base[~covered[base]]
                    for k, m in shown:
                        covered[rows(k, m)] = False
                    if not rest.size:
                        break
                    left = _owners(owner[rest])  # rows of a cell come sorted by owner
                    if left == 0 or left >= MIN_GROUP:
                        break
                    candidates = [(rows(k, m).size, k, m) for k, m in shown
                                  if rows(k, m).size and margins.spec[m].fields]
                    if candidates:
                        _size, k, m = min(candidates)
                        for path in margins.spec[m].fields:
                            _hide(out[k], path)
                        touched.add(k)
                    elif total.fields:
                        for path in total.fields:
                            _hide(out[parent], path)
                        touched.add(parent)
                    else:
                        break  # a total nobody is shown (the parts carry it)
                    hidden += 1
                    if not candidates:
                        break
                rows_of.clear()
        dirty = touched
    return hidden


# --- facts and the cube ----------------------------------------------------------------------

class _Keys:
    """String keys <-> small integers ("" is 0)."""

    def __init__(self) -> None:
        self.names: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def code(self, key: str) -> int:
        got = self.index.get(key)
        if got is None:
            got = self.index[key] = len(self.names)
            self.names.append(key)
        return got


@dataclass
class Facts:
    """One row per fact; ``geo`` / ``proc`` are the keys each row counts under (always "")."""

    owner: list[int] = field(default_factory=list)
    ts: list[float] = field(default_factory=list)
    geo: list[tuple[int, ...]] = field(default_factory=list)
    proc: list[tuple[int, ...]] = field(default_factory=list)
    cols: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, *, owner: int, ts: float, geo: tuple[int, ...], proc: tuple[int, ...],
            **cols: Any) -> None:
        self.owner.append(owner)
        self.ts.append(ts)
        self.geo.append(geo)
        self.proc.append(proc)
        for k, v in cols.items():
            self.cols.setdefault(k, []).append(v)


def _explode(per_row: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(t) for t in per_row), dtype=np.int64, count=len(per_row))
    rows = np.repeat(np.arange(len(per_row), dtype=np.int64), lengths)
    flat = np.fromiter((k for t in per_row for k in t), dtype=np.int64, count=int(lengths.sum()))
    return rows, flat


def cube(facts: Facts, metric: Callable[[np.ndarray], dict[str, Any]], *, geos: _Keys,
         procs: _Keys, now_s: float, periods: Iterable[str] = tuple(PERIODS),
         margins: Margins | None = None) -> dict[tuple[str, str, str], dict[str, Any]]:
    """``metric(row indices)`` for every (geo, process, period) with at least one row, then
    the complementary suppression of ``margins`` (:func:`complement`)."""
    n = len(facts.owner)
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    index: dict[tuple[str, str, str], np.ndarray] = {}
    if not n:
        return out
    ts = np.asarray(facts.ts, dtype=np.float64)
    owner = np.asarray(facts.owner, dtype=np.int64)
    g_row, g_key = _explode(facts.geo)
    p_row, p_key = _explode(facts.proc)
    p_count = np.bincount(p_row, minlength=n)
    p_start = np.cumsum(p_count) - p_count
    reps = p_count[g_row]
    g_idx = np.repeat(np.arange(g_row.size), reps)
    within = np.arange(g_idx.size) - np.repeat(np.cumsum(reps) - reps, reps)
    rows = g_row[g_idx]
    key = g_key[g_idx] * len(procs.names) + p_key[p_start[rows] + within]
    del g_idx, within
    for period in periods:
        days = PERIODS[period]
        if days is None:
            sel_rows, sel_key = rows, key
        else:
            keep = ts[rows] >= now_s - days * 86400.0
            sel_rows, sel_key = rows[keep], key[keep]
        if not sel_rows.size:
            continue
        order = np.argsort(sel_key, kind="stable")
        sorted_key = sel_key[order]
        cuts = np.flatnonzero(np.diff(sorted_key)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [sorted_key.size]))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            k = int(sorted_key[s])
            geo, proc = geos.names[k // len(procs.names)], procs.names[k % len(procs.names)]
            idx = sel_rows[order[s:e]]
            # rows by owner: counting distinct owners is then one linear pass
            idx = idx[np.argsort(owner[idx], kind="stable")]
            out[(geo, proc, period)] = metric(idx)
            if margins is not None:
                index[(geo, proc, period)] = idx
    if margins is not None:
        complement(out, index, owner, margins)
    return out


def _arrays(facts: Facts) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    owner = np.asarray(facts.owner, dtype=np.int64)
    cols = {k: np.asarray(v) for k, v in facts.cols.items()}
    return owner, cols


def _selector(cols: dict[str, np.ndarray], column: dict[str, str | None]
              ) -> Callable[[str, np.ndarray], np.ndarray]:
    """``select`` of :class:`Margins` for margins that are one boolean column (None: all)."""
    def select(name: str, idx: np.ndarray) -> np.ndarray:
        col = column[name]
        return np.ones(idx.size, dtype=bool) if col is None else cols[col][idx].astype(bool)
    return select


def _epoch(dt: datetime | None) -> float:
    return dt.timestamp() if dt is not None else NAN


def _hours(a: datetime | None, b: datetime | None) -> float:
    return (b - a).total_seconds() / 3600.0 if a is not None and b is not None else NAN


def _days(a: datetime | None, b: datetime | None) -> float:
    return (b - a).total_seconds() / 86400.0 if a is not None and b is not None else NAN


# --- the groups --------------------------------------------------------------------------------

@dataclass
class _Context:
    geos: _Keys
    procs: _Keys
    now: datetime
    firm_geo: dict[int, tuple[int, ...]]
    part_procs: dict[int, tuple[str, ...]]
    rfq_procs: dict[int, tuple[int, ...]]
    project_procs: dict[int, tuple[int, ...]]
    sources: dict[str, int]
    # project -> its startup: the owner counted by the project figures' suppression (five
    # projects of one startup must not show that startup's pipeline)
    project_org: dict[int, int] = field(default_factory=dict)


def _firm_geo_key(geos: _Keys, country: str, region: str) -> tuple[int, ...]:
    keys = {0, geos.code(country)} if country else {0}
    if region:
        keys.add(geos.code(region))
    return tuple(sorted(keys))


def _proc_key(procs: _Keys, codes: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({0, *(procs.code(c) for c in codes if c)}))


def _context(now: datetime) -> _Context:
    from shisaku.directory.models import Manufacturer
    from shisaku.projects.models import Part, Project
    from shisaku.rfq.models import RFQ

    geos, procs = _Keys(), _Keys()
    project_org = dict(Project.objects.values_list("id", "organisation_id").iterator(5000))
    firm_geo = {pk: _firm_geo_key(geos, c, r) for pk, c, r in
                Manufacturer.objects.values_list("id", "country", "region").iterator(5000)}
    part_procs: dict[int, tuple[str, ...]] = {}
    project_codes: dict[int, set[str]] = {}
    for pk, project_id, hints in Part.objects.values_list("id", "project_id",
                                                          "process_hints").iterator(5000):
        codes = tuple(h for h in (hints or []) if isinstance(h, str))
        part_procs[pk] = codes
        project_codes.setdefault(project_id, set()).update(codes)
    rfq_codes: dict[int, set[str]] = {}
    for rfq_id, part_id in RFQ.parts.through.objects.values_list("rfq_id", "part_id").iterator(
            5000):
        rfq_codes.setdefault(rfq_id, set()).update(part_procs.get(part_id, ()))
    return _Context(
        geos=geos, procs=procs, now=now, firm_geo=firm_geo, part_procs=part_procs,
        rfq_procs={k: _proc_key(procs, v) for k, v in rfq_codes.items()},
        project_procs={k: _proc_key(procs, v) for k, v in project_codes.items()},
        sources={"firms": len(firm_geo)}, project_org=project_org,
    )


def _supply(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.directory.models import Capability, Manufacturer
    from shisaku.taxonomy import codes

    certs = codes("certification")
    firm_procs: dict[int, set[str]] = {}
    for firm, process in Capability.objects.values_list("manufacturer_id", "process").iterator(
            5000):
        firm_procs.setdefault(firm, set()).add(process)
    facts = Facts()
    for pk, stages, cert, foreign, org in Manufacturer.objects.values_list(
            "id", "stages", "certifications", "accepts_foreign", "organisation_id").iterator(5000):
        stages, cert = set(stages or ()), set(cert or ())
        facts.add(owner=pk, ts=NAN, geo=ctx.firm_geo[pk],
                  proc=_proc_key(ctx.procs, firm_procs.get(pk, ())),
                  foreign=bool(foreign), account=org is not None,
                  **{f"st_{s}": s in stages for s in STAGES},
                  **{f"ce_{c}": c in cert for c in certs})
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        every = np.ones(idx.size, dtype=bool)
        data: dict[str, Any] = {"firms": count_cell(every, o)}
        data["stages"] = {s: count_cell(cols[f"st_{s}"][idx], o) for s in STAGES}
        data["shares"] = {"accepts_foreign": share_cell(cols["foreign"][idx], every, o),
                          "account": share_cell(cols["account"][idx], every, o),
                          **{c: share_cell(cols[f"ce_{c}"][idx], every, o) for c in certs}}
        return data

    firms = (("firms",),)
    spec = {"every": Margin(firms),
            **{f"st_{s}": Margin((("stages", s),)) for s in STAGES},
            "foreign": Margin((("shares", "accepts_foreign"),), needs=firms),
            "account": Margin((("shares", "account"),), needs=firms),
            **{f"ce_{c}": Margin((("shares", c),), needs=firms) for c in certs}}
    select = {"every": None, **{f"st_{s}": f"st_{s}" for s in STAGES}, "foreign": "foreign",
              "account": "account", **{f"ce_{c}": f"ce_{c}" for c in certs}}
    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                periods=("all",), margins=Margins(spec, _selector(cols, select)))


def _response(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.rfq.models import Invitation

    facts = Facts()
    for rfq_id, firm, status, sent, ack, replied, reason in Invitation.objects.values_list(
            "rfq_id", "manufacturer_id", "status", "sent_at", "acknowledged_at", "replied_at",
            "decline_reason").iterator(5000):
        quoted = status == "quoted"
        facts.add(owner=firm, ts=_epoch(sent), geo=ctx.firm_geo.get(firm, (0,)),
                  proc=ctx.rfq_procs.get(rfq_id, (0,)),
                  ack=_hours(sent, ack), quote=_hours(sent, replied) if quoted else NAN,
                  responded=replied is not None, declined=status == "declined",
                  reason=reason if status == "declined" else "")
    ctx.sources["invitations"] = len(facts.owner)
    owner, cols = _arrays(facts)
    edges = np.asarray(QUOTE_BINS_H)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        every = np.ones(idx.size, dtype=bool)
        quote = cols["quote"][idx]
        bins = np.where(np.isnan(quote), -1, np.searchsorted(edges, quote, side="right"))
        return {
            "invitations": count_cell(every, o),
            "firms": _owners(o) if _owners(o) >= MIN_GROUP else SUPPRESSED,
            "response_rate": share_cell(cols["responded"][idx], every, o),
            "ack_median": quantile_cell(cols["ack"][idx], o, 50),
            "ack_p90": quantile_cell(cols["ack"][idx], o, 90),
            "quote_median": quantile_cell(quote, o, 50),
            "quote_p90": quantile_cell(quote, o, 90),
            "declined_share": share_cell(cols["declined"][idx], every, o),
            "reasons": {r: count_cell(cols["reason"][idx] == r, o) for r in DECLINE_REASONS},
            "quote_bins": [count_cell(bins == b, o) for b in range(len(edges) + 1)],
        }

    n_bins = len(edges) + 1
    inv = (("invitations",),)
    spec = {"every": Margin((("invitations",), ("firms",)), parts=(("responded",),)),
            "responded": Margin((("response_rate",),), needs=inv, parts=(("declined",),)),
            "declined": Margin((("declined_share",),), needs=inv,
                               parts=(tuple(f"reason_{r}" for r in DECLINE_REASONS),)),
            **{f"reason_{r}": Margin((("reasons", r),)) for r in DECLINE_REASONS},
            **{f"bin_{b}": Margin((("quote_bins", b),)) for b in range(n_bins)}}
    if not facts.owner:
        return {}
    quote_all = cols["quote"]
    bin_all = np.where(np.isnan(quote_all), -1,
                       np.searchsorted(edges, np.nan_to_num(quote_all), side="right"))
    cols["bin"] = bin_all
    # small integers compare much faster than the reason strings
    reason_code = {r: i for i, r in enumerate(DECLINE_REASONS)}
    cols["reason_code"] = np.fromiter((reason_code.get(r, -1) for r in cols["reason"]),
                                      dtype=np.int8, count=len(cols["reason"]))
    plain = _selector(cols, {"every": None, "responded": "responded", "declined": "declined"})

    def select(name: str, idx: np.ndarray) -> np.ndarray:
        if name.startswith("reason_"):
            return cols["reason_code"][idx] == reason_code[name[7:]]
        if name.startswith("bin_"):
            return cols["bin"][idx] == int(name[4:])
        return plain(name, idx)

    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                margins=Margins(spec, select))


def _funnel(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.orders.models import Order
    from shisaku.rfq.models import RFQ, Award, Invitation, Quote

    invited: dict[int, set[int]] = {}
    for rfq_id, firm in Invitation.objects.values_list("rfq_id", "manufacturer_id").iterator(
            5000):
        invited.setdefault(rfq_id, set()).update(ctx.firm_geo.get(firm, (0,)))
    first_quote = dict(Quote.objects.values("invitation__rfq_id").annotate(t=Min(
        "submitted_at")).values_list("invitation__rfq_id", "t"))
    first_award = dict(Award.objects.values("rfq_id").annotate(t=Min("created_at"))
                       .values_list("rfq_id", "t"))
    delivered = dict(Order.objects.filter(delivered_at__isnull=False).values("rfq_id").annotate(
        t=Min("delivered_at")).values_list("rfq_id", "t"))
    facts = Facts()
    for pk, project, sent in RFQ.objects.filter(sent_at__isnull=False).values_list(
            "id", "project_id", "sent_at").iterator(5000):
        q, a, d = first_quote.get(pk), first_award.get(pk), delivered.get(pk)
        facts.add(owner=ctx.project_org.get(project, -project), ts=_epoch(sent),
                  geo=tuple(sorted(invited.get(pk, {0}) | {0})),
                  proc=ctx.rfq_procs.get(pk, (0,)), quoted=q is not None,
                  awarded=a is not None, delivered=d is not None,
                  d_quote=_days(sent, q), d_award=_days(q, a) if q else NAN,
                  d_deliver=_days(a, d) if a else NAN)
    ctx.sources["rfqs"] = len(facts.owner)
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        every = np.ones(idx.size, dtype=bool)
        return {
            "sent": count_cell(every, o), "quoted": count_cell(cols["quoted"][idx], o),
            "awarded": count_cell(cols["awarded"][idx], o),
            "delivered": count_cell(cols["delivered"][idx], o),
            "days_to_quote": quantile_cell(cols["d_quote"][idx], o, 50),
            "days_to_award": quantile_cell(cols["d_award"][idx], o, 50),
            "days_to_deliver": quantile_cell(cols["d_deliver"][idx], o, 50),
        }

    spec = {"every": Margin((("sent",),), parts=(("quoted",),)),
            "quoted": Margin((("quoted",),), parts=(("awarded",),)),
            "awarded": Margin((("awarded",),), parts=(("delivered",),)),
            "delivered": Margin((("delivered",),))}
    select = {"every": None, "quoted": "quoted", "awarded": "awarded", "delivered": "delivered"}
    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                margins=Margins(spec, _selector(cols, select)))


def _stall(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.projects.models import Project, StageChange
    from shisaku.rfq.models import RFQ

    changes: dict[int, list[tuple[datetime, str, str]]] = {}
    for project, at, src, dst in StageChange.objects.order_by("at", "id").values_list(
            "project_id", "at", "from_stage", "to_stage").iterator(5000):
        changes.setdefault(project, []).append((at, src, dst))
    last_rfq = dict(RFQ.objects.values("project_id").annotate(t=Max("created_at"))
                    .values_list("project_id", "t"))
    quiet_before = ctx.now.timestamp() - QUIET_DAYS * 86400.0
    order = {s: i for i, s in enumerate(STAGES)}
    facts = Facts()
    for pk, stage, stage_at, created, country, org in Project.objects.filter(
            deleted_at__isnull=True).values_list("id", "stage", "stage_changed_at",
                                                 "created_at", "organisation__country",
                                                 "organisation_id").iterator(5000):
        steps = changes.get(pk, [])
        spent = dict.fromkeys(STAGES, 0.0)
        seen = set()
        entered, current = created, steps[0][1] if steps and steps[0][1] else None
        reached_prod = moved_back = False
        for at, src, dst in steps:
            if current in spent:
                spent[current] += max(0.0, _days(entered, at))
                seen.add(current)
            if src in PRODUCTION_STAGES:
                reached_prod = True
            if src and dst and order.get(dst, 0) < order.get(src, 0) and src in PRODUCTION_STAGES:
                moved_back = True
            entered, current = at, dst
        reached_prod = reached_prod or stage in PRODUCTION_STAGES
        last = max([_epoch(stage_at), _epoch(created), _epoch(last_rfq.get(pk)),
                    *(_epoch(s[0]) for s in steps)])
        quiet = last < quiet_before and stage != "mass_production"
        geo = (0, ctx.geos.code(country)) if country else (0,)
        facts.add(owner=org, ts=_epoch(created), geo=geo, proc=ctx.project_procs.get(pk, (0,)),
                  stage=stage, quiet=quiet, reached=reached_prod,
                  back=moved_back, **{f"d_{s}": spent[s] if s in seen else NAN for s in STAGES})
    ctx.sources["projects"] = len(facts.owner)
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        stage = cols["stage"][idx]
        quiet = cols["quiet"][idx]
        return {
            "projects": {s: count_cell(stage == s, o) for s in STAGES},
            "quiet": {s: count_cell((stage == s) & quiet, o) for s in STAGES},
            "days_in_stage": {s: quantile_cell(cols[f"d_{s}"][idx], o, 50) for s in STAGES},
            "reached_production": count_cell(cols["reached"][idx], o),
            "moved_back": count_cell(cols["back"][idx], o),
            "moved_back_share": share_cell(cols["back"][idx], cols["reached"][idx], o),
        }

    spec = {"every": Margin((), parts=(tuple(f"stage_{s}" for s in STAGES),)),
            **{f"stage_{s}": Margin((("projects", s),), parts=((f"quiet_{s}",),))
               for s in STAGES},
            **{f"quiet_{s}": Margin((("quiet", s),)) for s in STAGES},
            "reached": Margin((("reached_production",),), parts=(("back",),)),
            "back": Margin((("moved_back",), ("moved_back_share",)),
                           needs=(("reached_production",),))}

    def select(name: str, idx: np.ndarray) -> np.ndarray:
        if name.startswith("stage_"):
            return cols["stage"][idx] == name[6:]
        if name.startswith("quiet_"):
            return (cols["stage"][idx] == name[6:]) & cols["quiet"][idx]
        return _selector(cols, {"every": None, "reached": "reached", "back": "back"})(name, idx)

    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                margins=Margins(spec, select))


def _collab(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.consortia.models import Consortium, ConsortiumMember

    members: dict[int, set[int]] = {}
    accepted: dict[int, set[int]] = {}
    for cid, firm, state in ConsortiumMember.objects.values_list(
            "consortium_id", "manufacturer_id", "state").iterator(5000):
        members.setdefault(cid, set()).update(ctx.firm_geo.get(firm, (0,)))
        if state == "accepted":
            accepted.setdefault(cid, set()).add(firm)
    facts = Facts()
    for pk, project, status, created in Consortium.objects.values_list(
            "id", "project_id", "status", "created_at").iterator(5000):
        size = len(accepted.get(pk, ())) if status == "formed" else 0
        facts.add(owner=ctx.project_org.get(project, -project), ts=_epoch(created),
                  geo=tuple(sorted(members.get(pk, {0}) | {0})),
                  proc=ctx.project_procs.get(project, (0,)), status=status,
                  size=float(size) if size else NAN)
    ctx.sources["consortia"] = len(facts.owner)
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        status, size = cols["status"][idx], cols["size"][idx]
        sizes = {}
        for label in JOINT_SIZES:
            sel = size >= float(label[:-1]) if label.endswith("+") else size == float(label)
            sizes[label] = count_cell(sel, o)
        return {"status": {s: count_cell(status == s, o) for s in CONSORTIUM_STATUSES},
                "sizes": sizes, "size_median": quantile_cell(size, o, 50)}

    spec = {**{f"status_{s}": Margin((("status", s),)) for s in CONSORTIUM_STATUSES},
            **{f"size_{k}": Margin((("sizes", k),)) for k in JOINT_SIZES}}
    spec["status_formed"] = Margin((("status", "formed"),),
                                   parts=(tuple(f"size_{k}" for k in JOINT_SIZES),))

    def select(name: str, idx: np.ndarray) -> np.ndarray:
        if name.startswith("status_"):
            return cols["status"][idx] == name[7:]
        label, size = name[5:], cols["size"][idx]
        return size >= float(label[:-1]) if label.endswith("+") else size == float(label)

    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                margins=Margins(spec, select))


def _estimate_costs() -> dict[int, dict[int, tuple[str, float]]]:
    """part id -> pieces -> (process, unit cost in USD) of the part's newest finished estimate
    (the plan's process at that quantity, else the cheapest process)."""
    from shisaku.estimates.models import Estimate

    out: dict[int, dict[int, tuple[str, float]]] = {}
    rows = (Estimate.objects.filter(status="done", part_file__isnull=False)
            .order_by("part_file__part_id", "-created_at", "-id")
            .values_list("part_file__part_id", "result").iterator(2000))
    for part, result in rows:
        if part in out or not isinstance(result, dict):
            continue
        by_q: dict[int, tuple[bool, float, str]] = {}
        for e in result.get("estimates") or ():
            try:
                q, cost, proc = int(e["quantity"]), float(e["unit_cost"]), str(e["process"])
            except (KeyError, TypeError, ValueError):
                continue
            if cost <= 0 or e.get("sensible") is False:
                continue
            cand = (not e.get("in_plan"), cost, proc)
            if q not in by_q or cand < by_q[q]:
                by_q[q] = cand
        if by_q:
            out[part] = {q: (p, c) for q, (_, c, p) in by_q.items()}
    return out


def _estimate(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.projects.models import Part
    from shisaku.rfq.models import QuoteLine
    from shisaku.rfq.selectors import rates_latest

    costs = _estimate_costs()
    facts = Facts()
    if costs:
        rates = {c: r for c, (r, _) in rates_latest().items()}
        per_unit = dict(Part.objects.filter(id__in=list(costs)).values_list(
            "id", "quantity_per_unit"))
        lines = (QuoteLine.objects.filter(part_id__in=list(costs))
                 .exclude(quote__status__in=("revised", "withdrawn"))
                 .values_list("part_id", "tier", "unit_price", "quote__currency",
                              "quote__submitted_at", "quote__invitation__manufacturer_id"))
        for part, tier, price, currency, at, firm in lines.iterator(5000):
            pieces = tier * per_unit.get(part, 1)
            got = costs[part].get(pieces)
            rate = Decimal(1) if currency == "USD" else rates.get(currency)
            if got is None or not rate:
                continue
            process, cost = got
            band = QTY_BAND_CODES[int(np.searchsorted(QTY_BANDS, pieces, side="right"))]
            facts.add(owner=firm, ts=_epoch(at), geo=ctx.firm_geo.get(firm, (0,)),
                      proc=_proc_key(ctx.procs, (process,)), process=process, band=band,
                      ratio=float(price * rate) / cost)
    ctx.sources["quote_lines_with_estimate"] = len(facts.owner)
    if not facts.owner:
        return {}
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        process, band, ratio = cols["process"][idx], cols["band"][idx], cols["ratio"][idx]
        rows = []
        for p in sorted(set(process.tolist())):
            for b in QTY_BAND_CODES:
                sel = (process == p) & (band == b)
                if not sel.any():
                    continue
                rows.append({"process": p, "band": b, "quotes": count_cell(sel, o),
                             "median": quantile_cell(ratio[sel], o[sel], 50),
                             "p25": quantile_cell(ratio[sel], o[sel], 25),
                             "p75": quantile_cell(ratio[sel], o[sel], 75)})
        return {"rows": rows}

    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp())


def _delivery(ctx: _Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    from shisaku.orders.models import FirstArticle, Order, OrderLine

    order_procs: dict[int, set[str]] = {}
    for order, part in OrderLine.objects.values_list("order_id", "part_id").iterator(5000):
        order_procs.setdefault(order, set()).update(ctx.part_procs.get(part, ()))
    first: dict[int, str] = {}
    for order, decision in (FirstArticle.objects.exclude(decision="pending")
                            .order_by("order_id", "submitted_at", "id")
                            .values_list("order_id", "decision").iterator(5000)):
        first.setdefault(order, decision)
    facts = Facts()
    for pk, firm, placed, delivered, on_time in Order.objects.values_list(
            "id", "manufacturer_id", "placed_at", "delivered_at", "on_time").iterator(5000):
        fa = first.get(pk)
        facts.add(owner=firm, ts=_epoch(delivered or placed), geo=ctx.firm_geo.get(firm, (0,)),
                  proc=_proc_key(ctx.procs, order_procs.get(pk, ())),
                  delivered=delivered is not None and on_time is not None,
                  on_time=bool(on_time), fa=fa is not None, fa_pass=fa == "approved")
    ctx.sources["orders"] = len(facts.owner)
    owner, cols = _arrays(facts)

    def metric(idx: np.ndarray) -> dict[str, Any]:
        o = owner[idx]
        delivered, fa = cols["delivered"][idx], cols["fa"][idx]
        return {"orders": count_cell(np.ones(idx.size, dtype=bool), o),
                "delivered": count_cell(delivered, o),
                "on_time_rate": share_cell(cols["on_time"][idx], delivered, o),
                "first_articles": count_cell(fa, o),
                "first_pass_rate": share_cell(cols["fa_pass"][idx], fa, o)}

    spec = {"every": Margin((("orders",),), parts=(("delivered",),)),
            "delivered": Margin((("delivered",),), parts=(("on_time",),)),
            "on_time": Margin((("on_time_rate",),), needs=(("delivered",),)),
            "fa": Margin((("first_articles",),), parts=(("fa_pass",),)),
            "fa_pass": Margin((("first_pass_rate",),), needs=(("first_articles",),))}
    select = {"every": None, "delivered": "delivered", "fa": "fa"}
    if not facts.owner:
        return {}
    cols["on_time_delivered"] = cols["on_time"] & cols["delivered"]
    cols["fa_passed"] = cols["fa_pass"] & cols["fa"]
    select.update({"on_time": "on_time_delivered", "fa_pass": "fa_passed"})
    return cube(facts, metric, geos=ctx.geos, procs=ctx.procs, now_s=ctx.now.timestamp(),
                margins=Margins(spec, _selector(cols, select)))


BUILDERS: dict[str, Callable[[_Context], dict[tuple[str, str, str], dict[str, Any]]]] = {
    "supply": _supply, "response": _response, "funnel": _funnel, "stall": _stall,
    "collab": _collab, "estimate": _estimate, "delivery": _delivery,
}


# --- refresh -----------------------------------------------------------------------------------

def source_signature() -> str:
    """A digest of what the aggregates are computed from: every data generation number plus
    the count and newest change of each source table (a few indexed aggregates)."""
    from shisaku.consortia.models import Consortium
    from shisaku.directory.models import Capability, Manufacturer
    from shisaku.estimates.models import Estimate
    from shisaku.orders.models import FirstArticle, Order
    from shisaku.projects.models import Project, StageChange
    from shisaku.rfq.models import RFQ, Award, Invitation, Quote

    parts: dict[str, Any] = {"generations": sorted(
        DataGeneration.objects.exclude(name=GENERATION).values_list("name", "number"))}
    for model, stamp in ((Manufacturer, "updated_at"), (Capability, None),
                         (Invitation, "replied_at"), (Quote, "submitted_at"), (Award, None),
                         (RFQ, "sent_at"), (Order, "updated_at"), (FirstArticle, "decided_at"),
                         (Project, "updated_at"), (StageChange, None),
                         (Consortium, "updated_at"), (Estimate, None)):
        agg: dict[str, Any] = {"n": Count("id"), "max_id": Max("id")}
        if stamp:
            agg["t"] = Max(stamp)
        parts[model._meta.label_lower] = model.objects.aggregate(**agg)
    blob = json.dumps(parts, default=str, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def latest_build() -> InsightBuild | None:
    return InsightBuild.objects.filter(complete=True).order_by("-id").first()


def insights_refresh(*, force: bool = False, now: datetime | None = None
                     ) -> InsightBuild | None:
    """Recompute every cell when the sources changed (or ``force``); None when up to date.

    The new build becomes visible only once all its cells are written; older builds are then
    deleted. Raises nothing on empty data (a fresh install builds a set of empty cells).
    """
    signature = source_signature()
    previous = latest_build()
    if previous is not None and previous.signature == signature and not force:
        return None
    now = now or timezone.now()
    t0 = time.perf_counter()
    build = InsightBuild.objects.create(signature=signature, started_at=now)
    ctx = _context(now)
    total = 0
    for group, builder in BUILDERS.items():
        cells = builder(ctx)
        batch = [InsightCell(build=build, group=group, geo=g, process=p, period=period, data=d)
                 for (g, p, period), d in cells.items()]
        InsightCell.objects.bulk_create(batch, batch_size=2000)
        total += len(batch)
    with transaction.atomic():
        build.complete = True
        build.built_at = timezone.now()
        build.elapsed_ms = round((time.perf_counter() - t0) * 1000, 1)
        build.cell_count = total
        build.sources = ctx.sources
        build.save()
        InsightBuild.objects.filter(id__lt=build.id).delete()
        generation_bump(name=GENERATION)
    return build
