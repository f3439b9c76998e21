"""A claim's and a pool invitation's states, with their allowed transitions, and the reasons
a coordinator gives when rejecting a claim."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("waiting for e-mail verification")
    PENDING = "pending", _("waiting for a coordinator")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_CLAIM_STATUSES = (ClaimStatus.AWAITING_EMAIL, ClaimStatus.PENDING)

CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    # An applicant who gave only a domain e-mail waits for its link; a coordinator may still
    # decide (for example reject a hopeless claim) before that.
    ClaimStatus.AWAITING_EMAIL: frozenset({ClaimStatus.PENDING, ClaimStatus.APPROVED,
                                           ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN}),
    ClaimStatus.PENDING: frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED,
                                    ClaimStatus.WITHDRAWN}),
    ClaimStatus.APPROVED: frozenset(),
    ClaimStatus.REJECTED: frozenset(),
    ClaimStatus.WITHDRAWN: frozenset(),
}


class RejectReason(models.TextChoices):
    EVIDENCE_INSUFFICIENT = "evidence_insufficient", _("The evidence does not show that the "
                                                       "applicant acts for the firm")
    REGISTRATION_MISMATCH = "registration_mismatch", _("The registration number belongs to "
                                                       "another firm")
    EMAIL_MISMATCH = "email_mismatch", _("The e-mail address is not the firm's")
    NOT_REACHABLE = "not_reachable", _("The firm could not confirm the applicant")
    DUPLICATE = "duplicate", _("A duplicate of another claim")
    PROFILE_CLAIMED = "profile_claimed", _("Another claim on this profile was approved")
    OTHER = "other", _("Other reason")


class PoolInvitationStatus(models.TextChoices):
    SENT = "sent", _("sent")
    OPENED = "opened", _("opened")
    CLAIMED = "claimed", _("claimed")
    FAILED = "failed", _("failed")
    BOUNCED = "bounced", _("bounced")
    EXPIRED = "expired", _("expired")


POOL_INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    # "sent" again is a resend (a fresh link; the older one stops working).
    PoolInvitationStatus.SENT: frozenset({PoolInvitationStatus.SENT, PoolInvitationStatus.OPENED,
                                          PoolInvitationStatus.CLAIMED,
                                          PoolInvitationStatus.FAILED,
                                          PoolInvitationStatus.BOUNCED,
                                          PoolInvitationStatus.EXPIRED}),
    PoolInvitationStatus.OPENED: frozenset({PoolInvitationStatus.SENT,
                                            PoolInvitationStatus.CLAIMED,
                                            PoolInvitationStatus.BOUNCED,
                                            PoolInvitationStatus.EXPIRED}),
    PoolInvitationStatus.FAILED: frozenset({PoolInvitationStatus.SENT, PoolInvitationStatus.CLAIMED,
                                            PoolInvitationStatus.FAILED,
                                            PoolInvitationStatus.BOUNCED}),
    PoolInvitationStatus.EXPIRED: frozenset({PoolInvitationStatus.SENT,
                                             PoolInvitationStatus.FAILED,
                                             PoolInvitationStatus.CLAIMED}),
    # A bounced address is never written to again; the coordinator corrects the firm's
    # contact e-mail, which opens a new invitation.
    PoolInvitationStatus.BOUNCED: frozenset(),
    PoolInvitationStatus.CLAIMED: frozenset(),
}

# States "resend all" picks up: never bounced or claimed ones.
RESENDABLE = (PoolInvitationStatus.SENT, PoolInvitationStatus.OPENED,
              PoolInvitationStatus.FAILED, PoolInvitationStatus.EXPIRED)
