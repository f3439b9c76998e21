"""Choice sets of the directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    MAKER_SPACE = "maker_space", _("Maker space")


class DirectorySort(models.TextChoices):
    NAME = "name", _("Name")
    REPLY = "reply", _("Fastest reply")
    RATING = "rating", _("Best rated")
    STARTUPS = "startups", _("Most startup projects")
    NEWEST = "newest", _("Newest")


# Facet kinds indexed in ManufacturerFacet (multi-valued codes, incl. those of capabilities).
FACET_KINDS = ("stage", "product_field", "technology", "certification", "language",
               "process", "material")


class ImportBatchStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, waiting for confirmation")
    LOADED = "loaded", _("Loaded")
    REFUSED = "refused", _("Refused")
    DISCARDED = "discarded", _("Discarded")


# A batch is checked (dry run) once; a coordinator then loads or discards it. A load whose
# second check finds new problems (the directory changed meanwhile) is refused instead.
IMPORT_BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportBatchStatus.CHECKED: frozenset({ImportBatchStatus.LOADED, ImportBatchStatus.REFUSED,
                                          ImportBatchStatus.DISCARDED}),
    ImportBatchStatus.LOADED: frozenset(),
    ImportBatchStatus.REFUSED: frozenset(),
    ImportBatchStatus.DISCARDED: frozenset(),
}


class DuplicatePolicy(models.TextChoices):
    """What a load does with a row whose firm probably exists already (same name and region)."""

    REFUSE = "refuse", _("Refuse the file (review first)")
    UPDATE = "update", _("Update the existing firm")
    CREATE = "create", _("Create a separate firm")
