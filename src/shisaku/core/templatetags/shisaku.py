"""Template filters: taxonomy labels in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from shisaku import taxonomy

register = template.Library()


@register.filter
def taxlabel(code: str, kind: str) -> str:
    """``{{ "cnc_milling"|taxlabel:"process" }}`` → the label in the current language."""
    return taxonomy.label(kind, code, get_language() or "en")


@register.filter
def taxlabels(codes: list[str], kind: str) -> str:
    lang = get_language() or "en"
    return ", ".join(taxonomy.label(kind, c, lang) for c in codes or [])
