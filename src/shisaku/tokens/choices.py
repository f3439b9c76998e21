"""What a token may do: read (safe methods only) or write (everything its user may do)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["SAFE_METHODS", "TokenScope"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
