"""Statuses of RFQs, invitations and quotes with their allowed transitions, decline reasons and
notification kinds.

Pure: importable and testable without a database. Every state change in ``services.py`` goes
through :func:`check_transition`, which raises :class:`IllegalTransition` (the API answers 409
with the current state).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.core.transitions import transition_allowed as _allowed

__all__ = [
    "INVITATION_TRANSITIONS", "QUOTE_TRANSITIONS", "RFQ_TRANSITIONS", "DeclineReason",
    "IllegalTransition", "InvitationStatus", "NotificationKind", "QuoteStatus", "RFQStatus",
    "check_transition", "transition_allowed",
]


class RFQStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    CLOSED = "closed", _("Closed for quotes")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    VIEWED = "viewed", _("Viewed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    QUOTED = "quoted", _("Quoted")
    DECLINED = "declined", _("Declined")


class QuoteStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVISED = "revised", _("Replaced by a revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    AWARDED = "awarded", _("Awarded")
    LOST = "lost", _("Not selected")


class DeclineReason(models.TextChoices):
    CAPACITY = "capacity", _("No capacity")
    CAPABILITY = "capability", _("Outside our capabilities")
    QUANTITY_TOO_SMALL = "quantity_too_small", _("Quantity too small")
    QUANTITY_TOO_LARGE = "quantity_too_large", _("Quantity too large")
    SPEC_UNCLEAR = "spec_unclear", _("Specification unclear")
    PRICE = "price", _("Target price not reachable")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    INVITED = "invited", _("New request for quotation")
    ACKNOWLEDGED = "acknowledged", _("Request acknowledged")
    QUOTE = "quote", _("Quote received")
    DECLINED = "declined", _("Request declined")
    MESSAGE = "message", _("New message")
    OVERDUE = "overdue", _("Reply overdue")
    NEXT_INVITED = "next_invited", _("Next match invited")
    AWARD_WON = "award_won", _("Quote awarded")
    AWARD_LOST = "award_lost", _("Quote not selected")
    WITHDRAWN = "withdrawn", _("Quote withdrawn")
    CANCELLED = "cancelled", _("Request cancelled")


# from-status -> allowed to-statuses. Terminal states map to an empty set.
RFQ_TRANSITIONS: dict[str, frozenset[str]] = {
    RFQStatus.DRAFT: frozenset({RFQStatus.SENT, RFQStatus.CANCELLED}),
    RFQStatus.SENT: frozenset({RFQStatus.CLOSED, RFQStatus.AWARDED, RFQStatus.CANCELLED}),
    RFQStatus.CLOSED: frozenset({RFQStatus.AWARDED, RFQStatus.CANCELLED}),
    RFQStatus.AWARDED: frozenset(),
    RFQStatus.CANCELLED: frozenset(),
}

# A firm may quote without acknowledging first (the quote is the acknowledgement); a quoted
# invitation may be quoted again (a revision) but no longer declined.
INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    InvitationStatus.SENT: frozenset({InvitationStatus.VIEWED, InvitationStatus.ACKNOWLEDGED,
                                      InvitationStatus.QUOTED, InvitationStatus.DECLINED}),
    InvitationStatus.VIEWED: frozenset({InvitationStatus.ACKNOWLEDGED, InvitationStatus.QUOTED,
                                        InvitationStatus.DECLINED}),
    InvitationStatus.ACKNOWLEDGED: frozenset({InvitationStatus.QUOTED,
                                              InvitationStatus.DECLINED}),
    InvitationStatus.QUOTED: frozenset({InvitationStatus.QUOTED}),
    InvitationStatus.DECLINED: frozenset(),
}

QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    QuoteStatus.SUBMITTED: frozenset({QuoteStatus.REVISED, QuoteStatus.WITHDRAWN,
                                      QuoteStatus.EXPIRED, QuoteStatus.AWARDED,
                                      QuoteStatus.LOST}),
    QuoteStatus.REVISED: frozenset(),
    QuoteStatus.WITHDRAWN: frozenset(),
    QuoteStatus.EXPIRED: frozenset({QuoteStatus.LOST}),
    QuoteStatus.AWARDED: frozenset(),
    QuoteStatus.LOST: frozenset(),
}

_TABLES: dict[str, dict[str, frozenset[str]]] = {
    "rfq": RFQ_TRANSITIONS, "invitation": INVITATION_TRANSITIONS, "quote": QUOTE_TRANSITIONS}


class IllegalTransition(Exception):
    """A state change the transition table does not allow (HTTP 409 with ``current``)."""

    def __init__(self, entity: str, current: str, target: str, reason: str = "") -> None:
        self.entity = entity
        self.current = current
        self.target = target
        self.reason = reason or f"a {entity} that is {current} cannot become {target}"
        super().__init__(self.reason)

    def as_dict(self) -> dict[str, str]:
        return {"detail": self.reason, "entity": self.entity, "current": self.current,
                "target": self.target}


def transition_allowed(entity: str, current: str, target: str) -> bool:
    """Whether ``entity`` ("rfq" | "invitation" | "quote") may go from ``current`` to
    ``target``; KeyError for an unknown entity."""
    return _allowed(_TABLES[entity], current, target)


def check_transition(entity: str, current: str, target: str) -> None:
    """Raise :class:`IllegalTransition` unless the move is in the table."""
    if not transition_allowed(entity, current, target):
        raise IllegalTransition(entity, current, target)
