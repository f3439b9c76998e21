"""RFQs, invitations (with reply-time promises), quotes and their lines, the award, message
threads, currency rates, notifications and idempotency records.

No rules here: states move in ``services.py`` through the tables of ``choices.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.core.links import SignedLink
from shisaku.directory.models import Manufacturer
from shisaku.projects.choices import Currency
from shisaku.projects.models import Part, Project
from shisaku.rfq.choices import (
    DeclineReason,
    InvitationStatus,
    QuoteStatus,
    RFQStatus,
)


class RFQ(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="rfqs",
                                verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    parts = models.ManyToManyField(Part, related_name="rfqs", verbose_name=_("parts"))
    # Quantities of products to price, ascending, e.g. [10, 300, 5000].
    quantity_tiers = models.JSONField(_("quantity tiers"), default=list)
    quote_deadline = models.DateTimeField(_("quote deadline"))
    sealed = models.BooleanField(_("sealed until the deadline"), default=False)
    auto_invite_next = models.BooleanField(_("invite the next match when one is overdue"),
                                           default=False)
    status = models.CharField(_("status"), max_length=12, choices=RFQStatus.choices,
                              default=RFQStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "quote_deadline"])]
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="invitations")
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT,
                                     related_name="rfq_invitations")
    status = models.CharField(_("status"), max_length=12, choices=InvitationStatus.choices,
                              default=InvitationStatus.SENT)
    sent_at = models.DateTimeField(_("sent at"))
    viewed_at = models.DateTimeField(_("viewed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    ack_deadline = models.DateTimeField(_("acknowledge by"))
    quote_deadline = models.DateTimeField(_("quote by"))
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    decline_reason = models.CharField(_("decline reason"), max_length=20, blank=True,
                                      choices=DeclineReason.choices)
    decline_note = models.TextField(_("decline note"), blank=True)
    # The invitation whose silence made the platform invite this firm (auto-invite-next).
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    match_score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("invitations")
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["rfq", "manufacturer"],
                                               name="invitation_unique_firm")]
        indexes = [models.Index(fields=["status", "ack_deadline"])]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.rfq} → {self.manufacturer}"


class Quote(models.Model):
    """One revision of a firm's quote; a revision replaces the previous one (kept, status
    ``revised``)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="quotes")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=QuoteStatus.choices,
                              default=QuoteStatus.SUBMITTED)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    tooling_cost = models.DecimalField(_("tooling / NRE"), max_digits=16, decimal_places=2,
                                       default=0)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name_plural = _("quotes")
        ordering = ["invitation", "-revision"]
        constraints = [models.UniqueConstraint(fields=["invitation", "revision"],
                                               name="quote_unique_revision")]
        verbose_name = _("quote")

    def __str__(self) -> str:
        return f"{self.invitation.manufacturer} r{self.revision}"


class QuoteLine(models.Model):
    """Unit price of one part at one quantity tier (pieces of the part = tier x per-unit)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveIntegerField(_("quantity tier"))
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["part", "tier"]
        constraints = [models.UniqueConstraint(fields=["quote", "part", "tier"],
                                               name="quote_line_unique")]

    def __str__(self) -> str:
        return f"{self.part_id} x{self.tier}: {self.unit_price}"


class Award(models.Model):
    """The RFQ awarded to a quote: as a whole (``part`` empty, at most one per RFQ) or one
    part at a time (at most one per part; never both kinds on one RFQ — checked under the
    RFQ's row lock in ``services.award_create``)."""

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="awards")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="awards")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("awards")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rfq"], condition=models.Q(part__isnull=True),
                                    name="award_one_whole_per_rfq"),
            models.UniqueConstraint(fields=["rfq", "part"], name="award_one_per_part"),
        ]
        verbose_name = _("award")

    def __str__(self) -> str:
        return f"{self.rfq}: {self.quote}"


class Rating(models.Model):
    """The startup's scorecard of the awarded firm, 1-5 on each dimension (one per award)."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="rating")
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="rfq_ratings")
    quality = models.PositiveSmallIntegerField(_("quality"))
    on_time = models.PositiveSmallIntegerField(_("on-time delivery"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    comment = models.TextField(_("comment"), blank=True)
    # Whether it joins the firm's public rating (selectors.rating_excluded_reason): not when
    # the startup and the firm are related, and one startup counts once per firm (its latest).
    counts = models.BooleanField(_("counts in the public rating"), default=True)
    excluded_reason = models.CharField(_("why it does not count"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")

    def __str__(self) -> str:
        return f"{self.manufacturer_id}: {self.quality}/{self.on_time}/{self.communication}"


def message_file_path(instance: Message, filename: str) -> str:
    from pathlib import PurePath

    from django.utils.text import get_valid_filename
    safe = get_valid_filename(PurePath(filename).name)[-40:] or "file"
    return f"rfq/{instance.invitation.rfq_id}/{instance.invitation_id}/{safe}"


class Message(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE,
                                   related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    from_manufacturer = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    file = models.FileField(_("file"), upload_to=message_file_path, max_length=300, blank=True)
    # The uploader's name, shortened (the file is stored under a generated name).
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class CurrencyRate(models.Model):
    """How many US dollars one unit of ``currency`` was worth on ``as_of``, and where that
    figure comes from. Rows are kept by date (history); a quote is converted with the rate of
    its date (the newest on or before it, else the newest). Coordinators add rates on the
    rates page; reference rates of the ECB ship with the platform (data migration)."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    rate_to_usd = models.DecimalField(_("USD per unit"), max_digits=20, decimal_places=10)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))

    class Meta:
        ordering = ["currency", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["currency", "as_of"],
                                               name="currency_rate_unique_day")]
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")

    def __str__(self) -> str:
        return f"{self.currency} {self.rate_to_usd} USD ({self.as_of})"


class ReplyStats(models.Model):
    """A firm's reply-time figures from its invitations (``services.reply_stats_update``)."""

    manufacturer = models.OneToOneField(Manufacturer, on_delete=models.CASCADE,
                                        related_name="reply_stats")
    ack_median_hours = models.FloatField(null=True, blank=True)
    ack_p90_hours = models.FloatField(null=True, blank=True)
    quote_median_hours = models.FloatField(null=True, blank=True)
    quote_p90_hours = models.FloatField(null=True, blank=True)
    response_rate = models.FloatField(null=True, blank=True)
    invitations = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reply statistics")
        verbose_name_plural = _("reply statistics")

    def __str__(self) -> str:
        return f"{self.manufacturer_id}: {self.ack_median_hours} h"


class IdempotencyRecord(models.Model):
    """The response to an API request sent with an ``Idempotency-Key`` (per user and scope)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"],
                                               name="idempotency_unique_key")]

    def __str__(self) -> str:
        return self.key


class NdaAcceptance(models.Model):
    """An invited firm's acceptance of the confidentiality terms before it sees part files."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE,
                                      related_name="nda_acceptance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")
    terms_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("NDA acceptances")
        verbose_name = _("NDA acceptance")

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.terms_version}"


class InvitationLink(SignedLink):
    """The personal link of an invitation to a firm without members on Shisaku, e-mailed to
    its contact address (``rfq.links``): opens that one invitation until the RFQ closes or the
    link is revoked. Only a hash of the token's secret part is stored."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")

    def __str__(self) -> str:
        return f"link {self.pk} → {self.invitation_id}"
