"""Claims of directory profiles (who says they run a firm, with what evidence, and the
coordinator's decision) and claim invitations sent to a pool of firms' contact e-mails."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.models import Organisation
from shisaku.claims.choices import ClaimStatus, PoolInvitationStatus, RejectReason
from shisaku.directory.models import Manufacturer


class PoolInvitation(models.Model):
    """A coordinator's invitation to a firm (by its private contact e-mail) to claim its
    profile. The link carries ``nonce``: a resend draws a new one, so older links stop."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="claim_invitations")
    email = models.EmailField(_("e-mail"))
    status = models.CharField(_("status"), max_length=20, choices=PoolInvitationStatus.choices,
                              default=PoolInvitationStatus.SENT, db_index=True)
    nonce = models.CharField(max_length=32)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim invitation")
        verbose_name_plural = _("claim invitations")

    def __str__(self) -> str:
        return f"{self.manufacturer_id} <{self.email}> {self.status}"


class Claim(models.Model):
    """Someone says they act for a directory firm; a coordinator (or a rule) decides."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="claims")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="claims")
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices,
                              default=ClaimStatus.PENDING, db_index=True)
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail on the firm's domain"), blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    via_contact_link = models.BooleanField(_("came through the firm's contact e-mail"),
                                           default=False)
    invitation = models.ForeignKey(PoolInvitation, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="claims")
    # The profile was managed by an organisation already when this claim was made.
    contested = models.BooleanField(_("profile already managed"), default=False)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=30, choices=RejectReason.choices,
                                     blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.applicant_id} -> {self.manufacturer_id} ({self.status})"
