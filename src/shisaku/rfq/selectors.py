"""Who sees which RFQ, invitation and quote: every read goes through these querysets.

- Startup side: members of the project's startup and of its coordinator organisation see the
  RFQ, all its invitations and (unless sealed and before the deadline) every quote. Only the
  startup's members change anything (create, send, award, message).
- Manufacturer side: members of the invited firm's organisation see their own invitation, the
  RFQ's parts and their own quotes, nothing of the competitors.
Everyone else gets None / an empty queryset (the pages and the API answer 404).

Access follows live state (ARCHITECTURE rule 11): a deleted project's invitations leave the
firms' inboxes; the part files of a request are open to an invited firm only while its reason
lasts (:func:`firm_files_closed_reason`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from shisaku.accounts.models import User
from shisaku.core import events
from shisaku.core.roles import roles_of
from shisaku.directory.models import Manufacturer
from shisaku.projects.selectors import projects_visible_to
from shisaku.rfq.choices import InvitationStatus, RFQStatus
from shisaku.rfq.models import RFQ, Award, CurrencyRate, Invitation, Message, Quote, Rating

__all__ = [
    "comparison",
    "comparison_table",
    "firm_files_closed_reason",
    "inbox_of",
    "invitation_for_firm",
    "invitation_for_startup",
    "live_quote",
    "manufacturers_of",
    "message_with_file",
    "quotes_visible",
    "rates_latest",
    "rating_excluded_reason",
    "rfq_for_startup",
    "rfq_is_editor",
    "rfqs_visible_to",
    "scorecard",
    "sealed_now",
]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def rfqs_visible_to(user: Any) -> QuerySet[RFQ]:
    """RFQs of projects the user sees as startup member or coordinator."""
    if not _authenticated(user):
        return RFQ.objects.none()
    return RFQ.objects.filter(project__in=projects_visible_to(user)).select_related(
        "project", "project__organisation")


def rfq_for_startup(*, user: Any, pk: int) -> RFQ | None:
    return rfqs_visible_to(user).filter(pk=pk).first()


def rfq_is_editor(*, user: Any, rfq: RFQ) -> bool:
    """Members of the startup that owns the project may send, award and write; its
    coordinator reads only."""
    return _authenticated(user) and rfq.project.organisation.memberships.filter(
        user=user).exists()


def manufacturers_of(user: Any) -> QuerySet[Manufacturer]:
    """Directory firms whose organisation the user is a member of."""
    if not _authenticated(user):
        return Manufacturer.objects.none()
    return Manufacturer.objects.filter(organisation__memberships__user=user).distinct()


def inbox_of(user: Any) -> QuerySet[Invitation]:
    """The invitations of the user's firms (never drafts: a draft sends nothing)."""
    if not _authenticated(user):
        return Invitation.objects.none()
    return (Invitation.objects.filter(manufacturer__in=manufacturers_of(user),
                                      rfq__project__deleted_at__isnull=True)
            .exclude(rfq__status=RFQStatus.DRAFT)
            .select_related("rfq", "rfq__project", "manufacturer")
            .order_by("-sent_at", "-id"))


def invitation_for_firm(*, user: Any, pk: int) -> Invitation | None:
    return inbox_of(user).filter(pk=pk).first()


def invitation_for_startup(*, user: Any, pk: int) -> Invitation | None:
    return (Invitation.objects.filter(pk=pk, rfq__in=rfqs_visible_to(user))
            .select_related("rfq", "rfq__project", "manufacturer").first())


def firm_files_closed_reason(invitation: Invitation) -> str | None:
    """Why the invited firm may no longer open the request's part files (None: it may).

    Open while the project lives, the firm has not declined and the request is out for quotes
    (sent; after the quote deadline only for a firm that quoted); once awarded, only for a firm
    that holds an award (it makes the parts). Cancelled, declined, deleted, lost: closed.
    Codes: ``deleted``, ``declined``, ``cancelled``, ``not_sent``, ``no_quote``, ``not_awarded``.
    """
    rfq = invitation.rfq
    if rfq.project.deleted_at is not None:
        return "deleted"
    if invitation.status == InvitationStatus.DECLINED:
        return "declined"
    if rfq.status == RFQStatus.CANCELLED:
        return "cancelled"
    if rfq.status == RFQStatus.DRAFT:
        return "not_sent"
    if rfq.status == RFQStatus.CLOSED and invitation.status != InvitationStatus.QUOTED:
        return "no_quote"
    if rfq.status == RFQStatus.AWARDED and not Award.objects.filter(
            rfq=rfq, quote__invitation=invitation).exists():
        return "not_awarded"
    return None


def message_with_file(*, user: Any, pk: int) -> Message | None:
    """A message whose attachment ``user`` may download: the startup side any message of its
    requests; the firm its own messages, and the startup's only while its files are open."""
    msg = (Message.objects.filter(pk=pk).exclude(file="")
           .select_related("invitation", "invitation__rfq", "invitation__rfq__project").first())
    if msg is None:
        return None
    if invitation_for_startup(user=user, pk=msg.invitation_id) is not None:
        return msg
    inv = invitation_for_firm(user=user, pk=msg.invitation_id)
    if inv is None:
        return None
    if msg.from_manufacturer or firm_files_closed_reason(inv) is None:
        return msg
    return None


def sealed_now(rfq: RFQ, now: Any = None) -> bool:
    """Sealed quotes stay hidden from the startup until the quote deadline."""
    return rfq.sealed and (now or timezone.now()) < rfq.quote_deadline


def quotes_visible(*, user: Any, rfq: RFQ, now: Any = None) -> QuerySet[Quote]:
    """Every revision the user may read: the startup side sees all (none while sealed); a
    firm sees its own only."""
    base = Quote.objects.filter(invitation__rfq=rfq).select_related(
        "invitation", "invitation__manufacturer").prefetch_related("lines")
    if rfqs_visible_to(user).filter(pk=rfq.pk).exists():
        return base.none() if sealed_now(rfq, now) else base
    if not _authenticated(user):
        return base.none()
    return base.filter(invitation__manufacturer__in=manufacturers_of(user))


RateRow = tuple[Decimal, Any, str]  # (USD per unit, as_of, source)


class RateBook:
    """Every rate by currency and date; ``on(day)`` gives, per currency, the newest rate on or
    before ``day`` (else the newest known: a quote older than the first rate)."""

    def __init__(self) -> None:
        self.by_currency: dict[str, list[tuple[Any, Decimal, str]]] = {}
        for cur, rate, as_of, source in CurrencyRate.objects.order_by(
                "currency", "as_of").values_list("currency", "rate_to_usd", "as_of", "source"):
            self.by_currency.setdefault(cur, []).append((as_of, rate, source))

    def on(self, day: Any = None) -> dict[str, RateRow]:
        out: dict[str, RateRow] = {}
        for cur, rows in self.by_currency.items():
            chosen = rows[-1]
            if day is not None:
                earlier = [r for r in rows if r[0] <= day]
                if earlier:
                    chosen = earlier[-1]
            out[cur] = (chosen[1], chosen[0], chosen[2])
        return out


def rates_history(limit: int = 500) -> QuerySet[CurrencyRate]:
    """The rates table, newest first (the rates page)."""
    return CurrencyRate.objects.select_related("entered_by").order_by("-as_of", "currency")[
        :limit]


def rates_editable_by(user: Any) -> bool:
    """Coordinators (and staff) keep the currency rates."""
    return roles_of(user).coordinator


def rates_latest() -> dict[str, tuple[Decimal, Any]]:
    """currency -> (USD per unit, as_of) from the newest row of each currency."""
    out: dict[str, tuple[Decimal, Any]] = {}
    for cur, rate, as_of in CurrencyRate.objects.order_by("currency", "-as_of").values_list(
            "currency", "rate_to_usd", "as_of"):
        out.setdefault(cur, (rate, as_of))
    return out


FALLBACK_TIERS = (10, 300, 5000)


def default_tiers(project: Any) -> list[int]:
    """The quantities of PRODUCTS an RFQ prices by default: the project's own phase quantities
    (prototype, pilot, small lot, mass production), none dropped; a common ladder when the
    project states none."""
    phases = (project.qty_prototype, project.qty_pilot, project.qty_small_lot, project.qty_mass)
    return sorted({int(q) for q in phases if q}) or list(FALLBACK_TIERS)


def pieces_per_tier(parts: Any, tiers: list[int]) -> list[dict[str, Any]]:
    """Per part: pieces per product and the pieces each product quantity means."""
    return [{"part": p, "per_product": p.quantity_per_unit,
             "pieces": [t * p.quantity_per_unit for t in tiers]} for p in parts]


def live_quote(quotes: list[Quote]) -> Quote | None:
    """The revision that counts: the newest one that was not replaced or withdrawn."""
    live = [q for q in quotes if q.status not in ("revised", "withdrawn")]
    return max(live, key=lambda q: q.revision) if live else None


def comparison(*, user: Any, rfq: RFQ, quantity: int | None = None, currency: str = "",
               now: Any = None) -> dict[str, Any]:
    """The side-by-side table of an RFQ for the startup side: one row per invitation with its
    live quote converted to ``currency`` (default: the project's currency) and totalled for
    ``quantity`` products (default: the first tier). Sealed RFQs show no prices before the
    deadline."""
    from shisaku.rfq.comparison import QuoteRow, compare

    now = now or timezone.now()
    currency = currency or rfq.project.currency
    tiers = list(rfq.quantity_tiers)
    quantity = quantity or (tiers[0] if tiers else 1)
    parts = list(rfq.parts.all())
    book = RateBook()
    latest = book.on(None)
    rates = {cur: rate for cur, (rate, _d, _s) in latest.items()}
    by_inv: dict[int, list[Quote]] = {}
    for q in quotes_visible(user=user, rfq=rfq, now=now):
        by_inv.setdefault(q.invitation_id, []).append(q)
    invitations = list(rfq.invitations.select_related("manufacturer",
                                                      "manufacturer__reply_stats"))
    live = {inv.pk: live_quote(by_inv.get(inv.pk, [])) for inv in invitations}
    joint: dict[int, Any] = {}  # a lead's joint quote is marked (the consortia app answers)
    for marks in events.publish(events.QUOTE_MARKS, rfq=rfq):
        joint.update(marks)
    # each quote is converted with the rates of its own date
    quote_rates = {q.pk: book.on(timezone.localdate(q.submitted_at))
                   for q in live.values() if q is not None}
    quote_rows = [QuoteRow(q.pk, q.currency,
                           {(ln.part_id, ln.tier): ln.unit_price for ln in q.lines.all()},
                           q.tooling_cost,
                           rates={c: r for c, (r, _d, _s) in quote_rates[q.pk].items()})
                  for q in live.values() if q is not None]
    results = {r.key: r for r in compare(quote_rows, parts={p.pk: p.quantity_per_unit
                                                            for p in parts},
                                         tiers=tiers, quantity=quantity, currency=currency,
                                         rates=rates)}
    today = timezone.localdate(now)
    rows = []
    for inv in invitations:
        q = live[inv.pk]
        res = results.get(q.pk) if q is not None else None
        stats = getattr(inv.manufacturer, "reply_stats", None)
        rows.append({
            "invitation": inv, "manufacturer": inv.manufacturer, "quote": q,
            "cells": [[res.unit.get((p.pk, t)) if res else None for t in tiers] for p in parts],
            "tooling": res.tooling if res else None, "total": res.total if res else None,
            "complete": res.complete if res else False,
            "rate_missing": res.rate_missing if res else False,
            "expired": q is not None and (q.status == "expired" or (
                q.status == "submitted" and q.valid_until < today)),
            "reply_hours": inv.manufacturer.reply_median_hours, "stats": stats,
            "rating": inv.manufacturer.rating, "rating_count": inv.manufacturer.rating_count,
            "joint": joint.get(inv.manufacturer_id),
            "rates_used": _rates_used(q, currency, quote_rates),
        })
    rows.sort(key=lambda r: (r["total"] is None, r["total"] or 0, r["invitation"].pk))
    used = sorted({(c, r, d, src) for row in rows for (c, r, d, src) in row["rates_used"]},
                  key=lambda x: (x[0], x[2]))
    missing = sorted({c for c in {r["quote"].currency for r in rows if r["quote"]} | {currency}
                      if c != "USD" and c not in latest})
    return {"rfq": rfq, "parts": parts, "tiers": tiers, "quantity": quantity,
            "currency": currency, "rows": rows, "sealed": sealed_now(rfq, now),
            "rates": used, "rates_missing": missing,
            "pieces": pieces_per_tier(parts, [quantity])}


def _rates_used(quote: Quote | None, target: str,
                quote_rates: dict[int, dict[str, RateRow]]) -> list[tuple[str, Decimal, Any, str]]:
    """(currency, USD per unit, as_of, source) of the rates that converted ``quote``."""
    if quote is None or quote.currency == target:
        return []
    book = quote_rates[quote.pk]
    return [(c, *book[c]) for c in (quote.currency, target) if c != "USD" and c in book]


def comparison_table(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the comparison for CSV / XLSX export (plain values)."""
    header = ["manufacturer", "status", "revision", "quote_currency"]
    for part in data["parts"]:
        header += [f"{part.name} @ {t} products ({data['currency']} per piece)"
                   for t in data["tiers"]]
    header += [f"tooling ({data['currency']})",
               f"total for {data['quantity']} ({data['currency']})", "lead_time_days",
               "valid_until", "expired", "reply_median_hours", "rating", "rates_used"]
    out = []
    for r in data["rows"]:
        q = r["quote"]
        line: list[Any] = [r["manufacturer"].name, r["invitation"].status,
                           q.revision if q else "", q.currency if q else ""]
        for cells in r["cells"]:
            line += ["" if c is None else c for c in cells]
        line += ["" if r["tooling"] is None else r["tooling"],
                 "" if r["total"] is None else r["total"],
                 q.lead_time_days if q else "", q.valid_until.isoformat() if q else "",
                 "yes" if r["expired"] else "", "" if r["reply_hours"] is None
                 else r["reply_hours"], "" if r["rating"] is None else r["rating"],
                 "; ".join(f"{c} {rate} USD ({d.isoformat()})"
                           for c, rate, d, _s in r["rates_used"])]
        out.append(line)
    return header, out


# E-mail domains anyone can register at: sharing one proves no relation between two firms.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "yahoo.co.jp", "yahoo.co.kr", "icloud.com", "me.com", "aol.com",
    "proton.me", "protonmail.com", "gmx.com", "gmx.de", "mail.com", "zoho.com",
    "naver.com", "daum.net", "hanmail.net", "kakao.com", "nate.com",
    "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "nifty.com", "ocn.ne.jp",
    "qq.com", "163.com", "126.com", "sina.com",
    # reserved for examples (RFC 2606): they prove nothing either
    "example.org", "example.com", "example.net",
})


def _mail_domains(emails: Any) -> set[str]:
    return {e.rsplit("@", 1)[-1].strip().lower() for e in emails if e and "@" in e}


def rating_excluded_reason(*, startup: Any, manufacturer: Manufacturer) -> str | None:
    """Why a startup's rating of a firm must not join the firm's public rating, else None.

    Ratings count once per real award between unrelated organisations:
    - ``related_member``: a user belongs to both the startup and the firm's organisation;
    - ``related_domain``: a member of the startup and a member of the firm (or the firm's
      contact address) share an e-mail domain that is not a public webmail domain
      (:data:`PUBLIC_MAIL_DOMAINS`);
    - ``repeat_startup`` is decided by the service: an earlier counted rating of the same
      startup for the same firm is replaced, so one startup weighs once per firm.
    """
    org = manufacturer.organisation
    startup_users = set(startup.memberships.values_list("user_id", flat=True))
    firm_users = set(org.memberships.values_list("user_id", flat=True)) if org else set()
    if startup_users & firm_users:
        return "related_member"
    startup_domains = _mail_domains(User.objects.filter(pk__in=startup_users)
                                    .values_list("email", flat=True))
    firm_domains = _mail_domains([*User.objects.filter(pk__in=firm_users)
                                  .values_list("email", flat=True),
                                  getattr(manufacturer, "contact_email", "")])
    if (startup_domains & firm_domains) - PUBLIC_MAIL_DOMAINS:
        return "related_domain"
    return None


def scorecard(manufacturer: Manufacturer) -> dict[str, Any] | None:
    """Mean scores (1-5) of the firm's ratings that count (unrelated startups, each once),
    public; None without any."""
    card = Rating.objects.filter(manufacturer=manufacturer, counts=True).aggregate(
        n=Count("id"), quality=Avg("quality"), on_time=Avg("on_time"),
        communication=Avg("communication"))
    return card if card["n"] else None
