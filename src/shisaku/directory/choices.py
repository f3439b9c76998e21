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
    DISTANCE = "distance", _("Nearest to a region")


# Facet kinds indexed in ManufacturerFacet (multi-valued codes, incl. those of capabilities).
FACET_KINDS = ("stage", "product_field", "technology", "certification", "language",
               "process", "material")
