"""Production orders: statuses with their allowed transitions, document kinds, change-order
and payment-milestone kinds, tooling statuses.

Pure: importable and testable without a database. Every state change in ``services.py`` goes
through :func:`check_transition`, which raises :class:`shisaku.rfq.choices.IllegalTransition`
(the API answers 409 with the current state).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.core.transitions import transition_allowed as _allowed
from shisaku.rfq.choices import IllegalTransition

__all__ = [
    "CHANGE_TRANSITIONS", "OPEN_STATES", "ORDER_TRANSITIONS", "TRANSFER_TRANSITIONS",
    "CancelReason", "ChangeKind", "ChangeStatus", "DisputeReason", "DocumentKind",
    "FirstArticleDecision", "MilestoneKind", "OrderStatus", "Side", "ToolingKind",
    "ToolingStatus", "TransferStatus", "check_transition", "transition_allowed",
]


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PRODUCTION = "in_production", _("In production")
    FA_SUBMITTED = "fa_submitted", _("First article submitted")
    FA_APPROVED = "fa_approved", _("First article approved")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    DISPUTED = "disputed", _("Disputed")


class Side(models.TextChoices):
    STARTUP = "startup", _("Startup")
    MANUFACTURER = "manufacturer", _("Manufacturer")


class CancelReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    DESIGN_CHANGED = "design_changed", _("Design changed")
    CAPACITY = "capacity", _("Manufacturer has no capacity")
    PRICE = "price", _("Price disagreement")
    DUPLICATE = "duplicate", _("Ordered twice")
    OTHER = "other", _("Other")


class DisputeReason(models.TextChoices):
    SHORTFALL = "shortfall", _("Quantity short")
    DEFECT = "defect", _("Defective parts")
    LATE = "late", _("Late delivery")
    PAYMENT = "payment", _("Payment")
    SPEC = "spec", _("Not to specification")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    FAI_REPORT = "fai_report", _("First-article inspection report")
    MATERIAL_CERT = "material_cert", _("Material certificate")
    COC = "coc", _("Certificate of conformance")
    PACKING_LIST = "packing_list", _("Packing list")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other document")


class FirstArticleDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeKind(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    DATE = "date", _("Ship date")
    PRICE = "price", _("Unit price")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MilestoneKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    TOOLING_T1 = "tooling_t1", _("Tooling approval (T1 samples)")
    DELIVERY = "delivery", _("On delivery")
    OTHER = "other", _("Other")


class ToolingKind(models.TextChoices):
    MOULD = "mould", _("Mould")
    DIE = "die", _("Die")
    JIG = "jig", _("Jig")
    FIXTURE = "fixture", _("Fixture")


class ToolingStatus(models.TextChoices):
    IN_BUILD = "in_build", _("In build")
    T0 = "t0", _("T0 samples made")
    T1 = "t1", _("T1 samples approved")
    IN_PRODUCTION = "in_production", _("In production")
    TRANSFER = "transfer", _("Transfer requested")
    TRANSFERRED = "transferred", _("Transferred")
    RETIRED = "retired", _("Retired")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The open states: an order may be cancelled or disputed from any of them.
OPEN_STATES = frozenset({
    OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION,
    OrderStatus.FA_SUBMITTED, OrderStatus.FA_APPROVED, OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
})
_EXITS = frozenset({OrderStatus.CANCELLED, OrderStatus.DISPUTED})

# A first article is optional (a PCB lot may ship straight from production); once submitted it
# must be decided: approved goes on to shipping, rejected goes back to production. Shipped
# stays shipped over partial shipments (``shipped -> shipped``). A dispute is settled back into
# production (rework), to delivered, closed or cancelled.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.CONFIRMED}) | _EXITS,
    OrderStatus.CONFIRMED: frozenset({OrderStatus.IN_PRODUCTION}) | _EXITS,
    OrderStatus.IN_PRODUCTION: frozenset({OrderStatus.FA_SUBMITTED,
                                          OrderStatus.SHIPPED}) | _EXITS,
    OrderStatus.FA_SUBMITTED: frozenset({OrderStatus.FA_APPROVED,
                                         OrderStatus.IN_PRODUCTION}) | _EXITS,
    OrderStatus.FA_APPROVED: frozenset({OrderStatus.SHIPPED}) | _EXITS,
    OrderStatus.SHIPPED: frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED}) | _EXITS,
    OrderStatus.DELIVERED: frozenset({OrderStatus.CLOSED, OrderStatus.DISPUTED}),
    OrderStatus.DISPUTED: frozenset({OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED,
                                     OrderStatus.CLOSED, OrderStatus.CANCELLED}),
    OrderStatus.CLOSED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    ChangeStatus.PROPOSED: frozenset({ChangeStatus.ACCEPTED, ChangeStatus.REFUSED,
                                      ChangeStatus.WITHDRAWN}),
    ChangeStatus.ACCEPTED: frozenset(),
    ChangeStatus.REFUSED: frozenset(),
    ChangeStatus.WITHDRAWN: frozenset(),
}

TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.REQUESTED: frozenset({TransferStatus.COMPLETED, TransferStatus.CANCELLED}),
    TransferStatus.COMPLETED: frozenset(),
    TransferStatus.CANCELLED: frozenset(),
}

_TABLES: dict[str, dict[str, frozenset[str]]] = {
    "order": ORDER_TRANSITIONS, "change": CHANGE_TRANSITIONS, "transfer": TRANSFER_TRANSITIONS}


def transition_allowed(entity: str, current: str, target: str) -> bool:
    """Whether ``entity`` ("order" | "change" | "transfer") may go from ``current`` to
    ``target``; KeyError for an unknown entity."""
    return _allowed(_TABLES[entity], current, target)


def check_transition(entity: str, current: str, target: str) -> None:
    """Raise :class:`IllegalTransition` unless the move is in the table."""
    if not transition_allowed(entity, current, target):
        raise IllegalTransition(entity, current, target)
