"""Statuses of the coordinator's window and of consortia, with their allowed-transitions tables.

Pure: importable and testable without a database.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.core.transitions import transition_allowed

__all__ = [
    "CONSORTIUM_TRANSITIONS",
    "DEFAULT_STUCK_DAYS",
    "INQUIRY_TRANSITIONS",
    "LEAD",
    "MEMBER_TRANSITIONS",
    "ConsortiumStatus",
    "InquiryKind",
    "InquiryStatus",
    "MemberState",
    "transition_allowed",
]

LEAD = "lead"  # the package id of the lead firm's member row
DEFAULT_STUCK_DAYS = 30


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    CLOSED = "closed", _("Closed")


class InquiryKind(models.TextChoices):
    """What a row of the window is: a project sent to the window, a supported project stuck in
    its stage, or a consortium being formed."""

    WINDOW = "window", _("Sent to the window")
    STUCK = "stuck", _("Stuck in a stage")
    CONSORTIUM = "consortium", _("Consortium")


class ConsortiumStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    INVITING = "inviting", _("Inviting")
    FORMED = "formed", _("Formed")
    FAILED = "failed", _("Failed")


class MemberState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    # A re-plan after a decline chose another firm for this slot: the invitation is withdrawn.
    RELEASED = "released", _("Released")


INQUIRY_TRANSITIONS: Mapping[str, frozenset[str]] = {
    InquiryStatus.NEW: frozenset({InquiryStatus.TRIAGED, InquiryStatus.CLOSED}),
    InquiryStatus.TRIAGED: frozenset({InquiryStatus.NEW, InquiryStatus.CLOSED}),
    InquiryStatus.CLOSED: frozenset({InquiryStatus.NEW}),  # reopen
}

CONSORTIUM_TRANSITIONS: Mapping[str, frozenset[str]] = {
    # Proposed: packages editable, re-planned at will; failed when no team exists.
    ConsortiumStatus.PROPOSED: frozenset({ConsortiumStatus.INVITING, ConsortiumStatus.FAILED}),
    ConsortiumStatus.INVITING: frozenset({ConsortiumStatus.FORMED, ConsortiumStatus.FAILED}),
    ConsortiumStatus.FORMED: frozenset(),
    # A failed consortium may be proposed again (edited packages, new plan).
    ConsortiumStatus.FAILED: frozenset({ConsortiumStatus.PROPOSED}),
}

MEMBER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    MemberState.INVITED: frozenset({MemberState.ACCEPTED, MemberState.DECLINED,
                                    MemberState.RELEASED}),
    MemberState.ACCEPTED: frozenset({MemberState.RELEASED}),
    MemberState.DECLINED: frozenset(),
    MemberState.RELEASED: frozenset(),
}


