"""The coordinator's window (inquiries) and consortia with their members.

Rules live in services.py and choices.py, not here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.models import Organisation
from shisaku.consortia.choices import ConsortiumStatus, InquiryKind, InquiryStatus, MemberState
from shisaku.core.links import SignedLink
from shisaku.directory.models import Manufacturer
from shisaku.projects.models import Project


class WindowRequest(models.Model):
    """An inquiry of a coordinator's window: a project sent there ("please find us makers") or
    a supported project stuck in its stage."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="window_requests",
                                verbose_name=_("project"))
    coordinator = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                    related_name="window_requests",
                                    limit_choices_to={"kind": "coordinator"},
                                    verbose_name=_("coordinator"))
    kind = models.CharField(_("kind"), max_length=20, choices=InquiryKind.choices,
                            default=InquiryKind.WINDOW)
    note = models.TextField(_("note from the startup"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=InquiryStatus.choices,
                              default=InquiryStatus.NEW)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("owner"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coordinator", "status"])]
        verbose_name = _("window inquiry")
        verbose_name_plural = _("window inquiries")

    def __str__(self) -> str:
        return f"{self.project} → {self.coordinator}"


class Consortium(models.Model):
    """A joint order: work packages, the optimiser's plan, and the firms invited to it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="consortia",
                                verbose_name=_("project"))
    coordinator = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                    related_name="consortia",
                                    limit_choices_to={"kind": "coordinator"},
                                    verbose_name=_("coordinator"))
    status = models.CharField(_("status"), max_length=20, choices=ConsortiumStatus.choices,
                              default=ConsortiumStatus.PROPOSED)
    # Work packages as ``WorkPackage.to_dict()`` (docs/CONSORTIUM.md), editable while proposed.
    packages = models.JSONField(_("work packages"), default=list, blank=True)
    # Where the team may come from: the engine's place constraints (``countries``,
    # ``regions`` with blocks, ``max_distance_km`` from ``origin_region``), set by the
    # coordinator with the packages (docs/CONSORTIUM.md).
    constraints = models.JSONField(_("team constraints"), default=dict, blank=True)
    # The engine's latest plan (``plan_consortium`` output).
    plan = models.JSONField(_("plan"), default=dict, blank=True)
    lead = models.ForeignKey(Manufacturer, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("lead firm"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("owner"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    formed_at = models.DateTimeField(null=True, blank=True)
    # The joint quote: the RFQ sent to the lead firm alone (``services.joint_quote_open``) and,
    # once the startup awards the lead's quote, that award.
    rfq = models.ForeignKey("rfq.RFQ", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="consortia", verbose_name=_("joint quote request"))
    award = models.ForeignKey("rfq.Award", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("award"))
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["coordinator", "status"])]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return f"{self.project} ({self.get_status_display()})"

    def package_names(self) -> dict[str, Any]:
        return {str(p.get("id")): p.get("name") or p.get("id") for p in self.packages}


class ConsortiumMember(models.Model):
    """One slot of the team: a work package (its id) or the lead (``"lead"``), and the firm
    invited to it. A firm answers once per consortium: its answer applies to all its slots."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    package_id = models.CharField(_("work package"), max_length=40)
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="consortium_memberships",
                                     verbose_name=_("manufacturer"))
    state = models.CharField(_("state"), max_length=20, choices=MemberState.choices,
                             default=MemberState.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    # The plan's cost of this slot / the team's total cost, in percent (set when formed).
    share_pct = models.DecimalField(_("share of the work (%)"), max_digits=6, decimal_places=2,
                                    null=True, blank=True)
    cost = models.DecimalField(_("planned cost"), max_digits=16, decimal_places=2,
                               default=Decimal("0"))

    class Meta:
        verbose_name_plural = _("consortium members")
        ordering = ["consortium", "id"]
        indexes = [models.Index(fields=["manufacturer", "state"])]
        verbose_name = _("consortium member")

    def __str__(self) -> str:
        return f"{self.package_id}: {self.manufacturer} ({self.state})"


class MemberLink(SignedLink):
    """The personal link of a firm without members invited to a consortium (all its slots in
    it), e-mailed to its contact address (``consortia.links``): accept or decline the work
    while the consortium is inviting. Only a hash of the token's secret part is stored."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="links")
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consortium invitation link")
        verbose_name_plural = _("consortium invitation links")

    def __str__(self) -> str:
        return f"link {self.pk} → {self.consortium_id}/{self.manufacturer_id}"
