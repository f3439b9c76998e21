"""Template filters of the estimate pages: engine codes to sentences in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from shisaku.estimates import words

register = template.Library()


@register.filter
def describe(item: Mapping[str, Any] | str | None) -> str:
    """``{{ finding|describe }}``: an engine's {code, params, message} as a sentence."""
    return words.describe(item)


@register.filter
def check_title(code: str) -> str:
    return str(words.CHECK_TITLES.get(code, code))


@register.filter
def cost_item(key: str) -> str:
    return str(words.BREAKDOWN.get(key, key))


@register.filter
def family_label(code: str) -> str:
    return words.label("material_family", code)


@register.filter
def wordlabel(code: str, kind: str) -> str:
    """``{{ code|wordlabel:"units_source" }}``: a non-taxonomy code (units source, shipping
    lane or mode, machinability class) in the page's language."""
    return words.label(kind, str(code))
