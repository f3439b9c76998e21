"""The order notification kinds (registered with ``shisaku.notifications`` in
``OrdersConfig.ready()``); each text is rendered in the recipient's language from JSON
parameters (codes are labelled in that language too)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shisaku.notifications.kinds import kind_register
from shisaku.orders.choices import CancelReason, ChangeKind, ChangeStatus, DisputeReason

__all__ = ["KINDS", "register_kinds"]


def _placed(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s for %(title)s is placed: please confirm a ship date.") % p


def _confirmed(p: Mapping[str, Any]) -> str:
    return _("%(firm)s confirmed order %(number)s: shipping by %(date)s.") % p


def _fa_submitted(p: Mapping[str, Any]) -> str:
    return _("First article %(n)s of order %(number)s is ready for your review.") % p


def _shipped(p: Mapping[str, Any]) -> str:
    return _("%(qty)s pieces of order %(number)s shipped (%(carrier)s %(tracking)s).") % p


def _fa_approved(p: Mapping[str, Any]) -> str:
    return _("First article %(n)s of order %(number)s is approved: go ahead.") % p


def _fa_rejected(p: Mapping[str, Any]) -> str:
    return _("First article %(n)s of order %(number)s was rejected: %(findings)s") % p


def _received(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s was received in full.") % p


def _label(choices: Any, code: Any) -> str:
    """A code's label in the reader's language ("Other" for a code no longer listed)."""
    return str(choices(code).label if code in choices.values else choices("other").label)


def _cancelled(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s was cancelled: %(reason)s.") % {
        "number": p["number"], "reason": _label(CancelReason, p.get("reason"))}


def _disputed(p: Mapping[str, Any]) -> str:
    return _("Order %(number)s is disputed: %(reason)s.") % {
        "number": p["number"], "reason": _label(DisputeReason, p.get("reason"))}


def _change_proposed(p: Mapping[str, Any]) -> str:
    return _("A change to order %(number)s was proposed: %(kind)s %(old)s → %(new)s.") % {
        **p, "kind": ChangeKind(p["kind"]).label}


def _change_decided(p: Mapping[str, Any]) -> str:
    return _("Your proposed change to order %(number)s: %(status)s.") % {
        "number": p["number"], "status": ChangeStatus(p["status"]).label}


def _transfer(p: Mapping[str, Any]) -> str:
    return _("%(owner)s asks to move %(tool)s from %(from)s to %(to)s.") % p


KINDS: dict[str, tuple[Any, Callable[[Mapping[str, Any]], str]]] = {
    "order_placed": (gettext_lazy("Order placed"), _placed),
    "order_confirmed": (gettext_lazy("Order confirmed"), _confirmed),
    "order_fa_submitted": (gettext_lazy("First article to review"), _fa_submitted),
    "order_fa_approved": (gettext_lazy("First article approved"), _fa_approved),
    "order_fa_rejected": (gettext_lazy("First article rejected"), _fa_rejected),
    "order_shipped": (gettext_lazy("Order shipped"), _shipped),
    "order_received": (gettext_lazy("Order received"), _received),
    "order_cancelled": (gettext_lazy("Order cancelled"), _cancelled),
    "order_disputed": (gettext_lazy("Order disputed"), _disputed),
    "order_change_proposed": (gettext_lazy("Change order proposed"), _change_proposed),
    "order_change_decided": (gettext_lazy("Change order answered"), _change_decided),
    "tooling_transfer": (gettext_lazy("Tooling transfer requested"), _transfer),
}


def register_kinds() -> None:
    for code, (label, text) in KINDS.items():
        kind_register(code=code, label=label, text=text)
