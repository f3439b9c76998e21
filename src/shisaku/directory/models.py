"""Manufacturer profiles, their capabilities and sites, and the facet index that serves filters.

Multi-valued taxonomy codes are kept as JSON lists on the profile (what it says) and mirrored
into ManufacturerFacet rows (how it is searched) by services.manufacturer_reindex, so that
filters and facet counts are plain indexed joins on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.models import Organisation, User
from shisaku.directory.choices import DuplicatePolicy, ImportBatchStatus, ProviderKind


def _empty_list() -> list[str]:
    return []


def _empty_dict() -> dict[str, str]:
    return {}


class Manufacturer(models.Model):
    organisation = models.OneToOneField(Organisation, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="manufacturer")
    slug = models.SlugField(_("slug"), max_length=160, unique=True, allow_unicode=True)
    # The firm's identifier in published open data: never reused, never changes with a rename.
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True,
                                 editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("local name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices,
                            default=ProviderKind.MANUFACTURER)
    # Head-office location: the one matching measures distances from.
    country = models.CharField(_("country"), max_length=2, db_index=True)
    region = models.CharField(_("region"), max_length=10, db_index=True)
    block = models.CharField(_("region block"), max_length=20, db_index=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    stages = models.JSONField(_("stages"), default=_empty_list, blank=True)
    product_fields = models.JSONField(_("product fields"), default=_empty_list, blank=True)
    technologies = models.JSONField(_("technologies"), default=_empty_list, blank=True)
    certifications = models.JSONField(_("certifications"), default=_empty_list, blank=True)
    languages = models.JSONField(_("languages"), default=_empty_list, blank=True)
    accepts_foreign = models.BooleanField(_("accepts foreign clients"), default=False)
    startup_friendly = models.BooleanField(_("startup friendly"), default=False)
    equipment = models.TextField(_("equipment"), blank=True)
    description = models.JSONField(_("description"), default=_empty_dict, blank=True,
                                   help_text=_("Per language: {\"en\": …, \"ko\": …, \"ja\": …}"))
    website = models.URLField(_("website"), blank=True, max_length=300)
    # Private: used by coordinators and the platform's own mail only; never in public pages,
    # the public API or open-data exports (records.MANUFACTURER_FIELDS leaves them out).
    contact_email = models.EmailField(_("contact e-mail"), blank=True, max_length=254)
    contact_phone = models.CharField(_("contact phone"), blank=True, max_length=40)
    # The firm's official number (Korean 사업자등록번호, Japanese 法人番号 ...), compact form:
    # an explicit identity for imports and evidence for claims.
    registration_number = models.CharField(_("registration number"), max_length=40,
                                           blank=True, db_index=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    founded = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    # Figures: set by imports today, computed from real RFQ events once those exist.
    reply_median_hours = models.FloatField(_("median reply time (hours)"), null=True, blank=True)
    rating = models.FloatField(_("quality rating"), null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    # From orders (shisaku.orders): delivered orders in the last 12 months and the share of them
    # that shipped by the confirmed date. Facts, not opinions; matching reads them.
    on_time_rate = models.FloatField(_("on-time delivery rate"), null=True, blank=True)
    delivered_orders = models.PositiveIntegerField(_("orders delivered (12 months)"), default=0)
    startup_projects = models.PositiveIntegerField(_("startup projects"), default=0)
    price_level = models.FloatField(_("price level"), default=1.0)
    capacity_jobs = models.PositiveIntegerField(_("capacity (concurrent jobs)"), null=True,
                                                blank=True)
    synthetic = models.BooleanField(_("sample data"), default=False, db_index=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Lower-cased names, city and descriptions for substring search in any script.
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="manufacturer_name_id")]
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")

    def __str__(self) -> str:
        return self.name

    def description_in(self, lang: str) -> str:
        text = self.description or {}
        return text.get(lang) or text.get("en") or next(iter(text.values()), "")


class Capability(models.Model):
    """One process a manufacturer runs, with its materials, lot range and part envelope."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="capabilities")
    process = models.CharField(_("process"), max_length=40, db_index=True)
    materials = models.JSONField(_("materials"), default=_empty_list, blank=True)
    min_lot = models.PositiveIntegerField(_("minimum lot"), default=1)
    max_lot = models.PositiveIntegerField(_("maximum lot"), default=1_000_000)
    max_part_x_mm = models.FloatField(_("max part X (mm)"), null=True, blank=True)
    max_part_y_mm = models.FloatField(_("max part Y (mm)"), null=True, blank=True)
    max_part_z_mm = models.FloatField(_("max part Z (mm)"), null=True, blank=True)
    tolerance_mm = models.FloatField(_("tolerance (mm)"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("typical lead time (days)"), default=14)

    class Meta:
        ordering = ["manufacturer_id", "process", "id"]
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_lot__lte=models.F("max_lot")),
                                   name="capability_lot_range"),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer_id}:{self.process}"

    @property
    def max_part_mm(self) -> list[float] | None:
        dims = [self.max_part_x_mm, self.max_part_y_mm, self.max_part_z_mm]
        return None if any(d is None for d in dims) else [float(d) for d in dims]  # type: ignore[arg-type]


class Site(models.Model):
    """A further plant or office of a manufacturer (the head office is on the profile)."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=10)
    city = models.CharField(_("city"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name_plural = _("sites")
        ordering = ["manufacturer_id", "name", "id"]
        verbose_name = _("site")

    def __str__(self) -> str:
        return self.name


class ManufacturerFacet(models.Model):
    """Search index row: manufacturer × (kind, code). Written only by services."""

    # No separate index on manufacturer: the unique constraint below starts with it.
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE,
                                     related_name="facets", db_index=False)
    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("facet value")
        verbose_name_plural = _("facet values")
        constraints = [models.UniqueConstraint(fields=["manufacturer", "kind", "code"],
                                               name="facet_unique")]
        indexes = [models.Index(fields=["kind", "code", "manufacturer"])]

    def __str__(self) -> str:
        return f"{self.manufacturer_id}:{self.kind}={self.code}"


def _import_upload_to(batch: ImportBatch, filename: str) -> str:
    return f"imports/{batch.sha256[:2]}/{batch.sha256}.{batch.file_format or 'bin'}"


class ImportBatch(models.Model):
    """One import of a pool file: who brought it, from where, what it did to the directory."""

    source = models.CharField(_("source"), max_length=200,
                              help_text=_("Where the data comes from, shown as attribution."))
    coordinator = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="import_batches")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="import_batches")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # Kept until the batch is loaded or discarded (it may hold private contact columns).
    file = models.FileField(upload_to=_import_upload_to, max_length=300, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    duplicates = models.CharField(_("probable duplicates"), max_length=10,
                                  choices=DuplicatePolicy.choices, default=DuplicatePolicy.REFUSE)
    status = models.CharField(_("status"), max_length=12, choices=ImportBatchStatus.choices,
                              default=ImportBatchStatus.CHECKED, db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The check's report: errors, probable duplicates, a sample of decoded names.
    report = models.JSONField(default=_empty_dict, blank=True)
    manufacturers = models.ManyToManyField(Manufacturer, blank=True,
                                           related_name="import_batches")
    created_at = models.DateTimeField(auto_now_add=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"


class DirectoryChange(models.Model):
    """One firm changed (or ``manufacturer_id`` None: any number of firms) at ``at_us``
    (microseconds since the epoch), written in the changing transaction by
    ``services.directory_changed``. Serving processes patch their directory index with the
    firms changed since its base was built (docs/DIRECTORY.md, "Keeping the index current")."""

    manufacturer_id = models.BigIntegerField(null=True)  # no foreign key: deletions are logged
    at_us = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("directory change")
        verbose_name_plural = _("directory changes")

    def __str__(self) -> str:
        return f"{self.manufacturer_id or 'all'}@{self.at_us}"


class IndexSnapshot(models.Model):
    """A directory index snapshot saved under a host's ``SHISAKU_HOME``: built from the data of
    ``generation``, reading the tables after ``mark_us``, when the change log was committed up
    to the row ``log_last`` except the rows ``log_gaps`` (then still in flight). A row proves
    the generation was this database's (a snapshot file alone may come from a rolled-back or
    restored database)."""

    generation = models.BigIntegerField(unique=True)
    mark_us = models.BigIntegerField()
    log_last = models.BigIntegerField()
    log_gaps = models.JSONField(default=list)
    firms = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("directory index snapshot")
        verbose_name_plural = _("directory index snapshots")

    def __str__(self) -> str:
        return f"directory index {self.generation}"
