"""The RFQ workflow's notification kinds and their texts (registered with
``shisaku.notifications`` in ``RfqConfig.ready()``).

Each text is a function of JSON parameters, called inside the recipient's language and time
zone, so a deadline is printed as the page shows it to that reader (never "within N hours").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from shisaku.notifications.kinds import deadline_text, kind_register
from shisaku.rfq.choices import DeclineReason, NotificationKind

__all__ = ["register_kinds"]

P = Mapping[str, Any]


def _invited(p: P) -> str:
    return _("New request for quotation: %(title)s. Please acknowledge by %(deadline)s "
             "and quote by %(quote_deadline)s.") % {
        "title": p["title"], "deadline": deadline_text(p["ack_deadline"]),
        "quote_deadline": deadline_text(p["quote_deadline"])}


def _acknowledged(p: P) -> str:
    return _("%(firm)s acknowledged %(title)s.") % {"firm": p["firm"], "title": p["title"]}


def _quote(p: P) -> str:
    return _("%(firm)s sent a quote (revision %(rev)s) for %(title)s.") % {
        "firm": p["firm"], "rev": p["rev"], "title": p["title"]}


def _declined(p: P) -> str:
    reason = p.get("reason", "")
    label = DeclineReason(reason).label if reason in DeclineReason.values else reason
    return _("%(firm)s declined %(title)s: %(reason)s.") % {
        "firm": p["firm"], "title": p["title"], "reason": str(label)}


def _message(p: P) -> str:
    return _("New message about %(title)s.") % {"title": p["title"]}


def _overdue(p: P) -> str:
    if p.get("firm"):
        return _("%(firm)s has not replied to %(title)s in time.") % {
            "firm": p["firm"], "title": p["title"]}
    return _("Reminder: %(title)s is waiting for your reply (overdue).") % {"title": p["title"]}


def _next_invited(p: P) -> str:
    return _("%(old)s did not reply in time; %(new)s was invited to %(title)s.") % {
        "old": p["old"], "new": p["new"], "title": p["title"]}


def _award_won(p: P) -> str:
    return _("Good news: your quote for %(title)s was selected.") % {"title": p["title"]}


def _award_lost(p: P) -> str:
    return _("Thank you for your time on %(title)s. The startup has chosen another offer this "
             "time; we hope to work with you again.") % {"title": p["title"]}


def _withdrawn(p: P) -> str:
    return _("%(firm)s withdrew its quote for %(title)s.") % {
        "firm": p["firm"], "title": p["title"]}


def _cancelled(p: P) -> str:
    return _("%(title)s was cancelled by the startup. Thank you for your time.") % {
        "title": p["title"]}


TEXTS = {
    NotificationKind.INVITED: _invited,
    NotificationKind.ACKNOWLEDGED: _acknowledged,
    NotificationKind.QUOTE: _quote,
    NotificationKind.DECLINED: _declined,
    NotificationKind.MESSAGE: _message,
    NotificationKind.OVERDUE: _overdue,
    NotificationKind.NEXT_INVITED: _next_invited,
    NotificationKind.AWARD_WON: _award_won,
    NotificationKind.AWARD_LOST: _award_lost,
    NotificationKind.WITHDRAWN: _withdrawn,
    NotificationKind.CANCELLED: _cancelled,
}


def register_kinds() -> None:
    for kind in NotificationKind:
        kind_register(code=kind.value, label=kind.label, text=TEXTS[kind])
