"""Production orders after an award: lines, first articles, shipments, documents, change
orders, payment milestones, and the tooling register (moulds and dies and who owns them).

An order belongs to one RFQ's award to one firm; the startup (the project's organisation) and
the firm are its two sides, the project's coordinator reads along. Money is in the awarded
quote's currency; no money moves through the platform, the milestones only record dates.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.models import Organisation
from shisaku.directory.models import Manufacturer
from shisaku.orders.choices import (
    CancelReason,
    ChangeKind,
    ChangeStatus,
    DisputeReason,
    DocumentKind,
    FirstArticleDecision,
    MilestoneKind,
    OrderStatus,
    Side,
    ToolingKind,
    ToolingStatus,
    TransferStatus,
)
from shisaku.projects.models import Part, Project
from shisaku.rfq.models import RFQ, Award, Quote

_MONEY = {"max_digits": 16, "decimal_places": 2}


class Order(models.Model):
    rfq = models.ForeignKey(RFQ, on_delete=models.PROTECT, related_name="orders")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="orders")
    startup = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("startup"))
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT,
                                     related_name="orders", verbose_name=_("manufacturer"))
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="orders")
    awards = models.ManyToManyField(Award, related_name="orders", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices,
                              default=OrderStatus.PLACED, db_index=True)
    currency = models.CharField(_("currency"), max_length=3)
    tooling_cost = models.DecimalField(_("tooling / NRE"), default=Decimal("0"), **_MONEY)
    lead_time_days = models.PositiveIntegerField(_("quoted lead time (days)"))
    promised_ship_date = models.DateField(_("promised ship date"), null=True, blank=True)
    # A joint quote's order: [{"manufacturer": id, "name": ..., "share_pct": ...,
    # "package": ...}] as formed by the consortium.
    consortium_shares = models.JSONField(_("consortium shares"), default=list, blank=True)
    placed_at = models.DateTimeField(_("placed at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Whether the shipment that completed the quantity left by the promised ship date
    # (None until delivered): the fact behind the firm's on-time rate.
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=20, blank=True,
                                     choices=CancelReason.choices)
    dispute_reason = models.CharField(_("dispute reason"), max_length=20, blank=True,
                                      choices=DisputeReason.choices)
    status_note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["manufacturer", "status"]),
                   models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"PO-{self.pk:06d}" if self.pk else "PO"

    @property
    def number(self) -> str:
        return str(self)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity (pieces)"))
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))


class FirstArticle(models.Model):
    """One submission of first-article samples; the first decision of an order decides its
    first-pass result."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="first_articles")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decision = models.CharField(_("decision"), max_length=10,
                                choices=FirstArticleDecision.choices,
                                default=FirstArticleDecision.PENDING)
    findings = models.TextField(_("findings"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["attempt"]
        constraints = [models.UniqueConstraint(fields=["order", "attempt"],
                                               name="first_article_unique_attempt")]
        verbose_name = _("first article")
        verbose_name_plural = _("first articles")

    def __str__(self) -> str:
        return f"{self.order} FA{self.attempt}"


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    quantity = models.PositiveIntegerField(_("quantity (pieces)"))
    shipped_on = models.DateField(_("shipped on"))
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shipped_on", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.order}: {self.quantity} @ {self.shipped_on}"


def document_path(instance: OrderDocument, filename: str) -> str:
    """``orders/<order>/<sha256 prefix>.<detected type>``: the stored name never comes from
    the uploader."""
    suffix = {"jpeg": "jpg"}.get(instance.detected_type, instance.detected_type) or "bin"
    return f"orders/{instance.order_id}/{instance.sha256[:16]}.{suffix}"


class OrderDocument(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    first_article = models.ForeignKey(FirstArticle, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="documents")
    shipment = models.ForeignKey(Shipment, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    detected_type = models.CharField(_("detected type"), max_length=10)
    side = models.CharField(_("uploaded by side"), max_length=12, choices=Side.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("order document")
        verbose_name_plural = _("order documents")

    def __str__(self) -> str:
        return self.original_name

    @property
    def display_name(self) -> str:
        return get_valid_filename(PurePath(self.original_name).name)[-80:] or "file"


class ChangeOrder(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="changes")
    old_value = models.CharField(_("from"), max_length=40)
    new_value = models.CharField(_("to"), max_length=40)
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.CharField(_("proposed by"), max_length=12, choices=Side.choices)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices,
                              default=ChangeStatus.PROPOSED)
    created_at = models.DateTimeField(_("proposed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")

    def __str__(self) -> str:
        return f"{self.order}: {self.kind} {self.old_value} → {self.new_value}"


class PaymentMilestone(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=12, choices=MilestoneKind.choices)
    amount = models.DecimalField(_("amount"), **_MONEY)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")

    def __str__(self) -> str:
        return f"{self.order}: {self.kind} {self.amount}"


class ToolingAsset(models.Model):
    """A mould, die, jig or fixture paid for in an order: who owns it and where it is."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tooling")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ToolingKind.choices)
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    location = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("held by"))
    cost = models.DecimalField(_("cost"), **_MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    cavities = models.PositiveSmallIntegerField(_("cavities"), null=True, blank=True)
    shot_life = models.PositiveIntegerField(_("expected shot life"), null=True, blank=True)
    t0_on = models.DateField(_("T0 samples"), null=True, blank=True)
    t1_on = models.DateField(_("T1 samples"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=ToolingStatus.choices,
                              default=ToolingStatus.IN_BUILD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tooling asset")
        verbose_name_plural = _("tooling assets")

    def __str__(self) -> str:
        return self.name


class ToolingTransfer(models.Model):
    """The owner asks for its tooling to move to another firm; the checklist is what the
    receiving firm needs to run it."""

    asset = models.ForeignKey(ToolingAsset, on_delete=models.CASCADE, related_name="transfers")
    to_manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("to"))
    status = models.CharField(_("status"), max_length=10, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    drawings_sent = models.BooleanField(_("drawings and 3D data handed over"), default=False)
    mould_released = models.BooleanField(_("mould released by the holder"), default=False)
    last_shot_samples = models.BooleanField(_("last-shot samples received"), default=False)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("tooling transfer")
        verbose_name_plural = _("tooling transfers")

    def __str__(self) -> str:
        return f"{self.asset} → {self.to_manufacturer}"


class DeliveryStats(models.Model):
    """A firm's delivery figures over the last 12 months, from its orders' facts (refreshed
    when an order is delivered or a first article decided)."""

    manufacturer = models.OneToOneField(Manufacturer, on_delete=models.CASCADE,
                                        related_name="delivery_stats")
    delivered = models.PositiveIntegerField(_("orders delivered"), default=0)
    on_time = models.PositiveIntegerField(_("delivered on time"), default=0)
    first_articles = models.PositiveIntegerField(_("first articles decided"), default=0)
    first_pass = models.PositiveIntegerField(_("approved at the first attempt"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery figures")
        verbose_name_plural = _("delivery figures")

    def __str__(self) -> str:
        return f"{self.manufacturer}: {self.on_time}/{self.delivered}"

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.delivered if self.delivered else None

    @property
    def first_pass_rate(self) -> float | None:
        return self.first_pass / self.first_articles if self.first_articles else None
