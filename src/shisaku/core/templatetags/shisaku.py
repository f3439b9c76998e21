"""Template filters: taxonomy labels, money and numbers in the active language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from shisaku import taxonomy
from shisaku.core.money import decimal_plain, money_format, number_format, percent_format

register = template.Library()


@register.filter
def taxlabel(code: str, kind: str) -> str:
    """``{{ "cnc_milling"|taxlabel:"process" }}`` → the label in the current language."""
    return taxonomy.label(kind, code, get_language() or "en")


@register.filter
def taxlabels(codes: list[str] | str, kind: str) -> str:
    """Labels of a list of codes, joined with ", " (a single code is one label, never a
    string split into characters)."""
    lang = get_language() or "en"
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(",") if c.strip()]
    return ", ".join(taxonomy.label(kind, c, lang) for c in codes or [])


@register.filter
def money(amount: Any, currency: str) -> str:
    """``{{ total|money:"KRW" }}`` → "₩45,000" in the reader's locale ("—" for none)."""
    return money_format(amount, currency) or "—"


@register.filter
def unit_money(amount: Any, currency: str) -> str:
    """A unit price: like ``money`` but keeps up to four significant decimals."""
    return money_format(amount, currency, unit=True) or "—"


@register.filter
def number(value: Any, digits: Any = None) -> str:
    """``{{ qty|number }}`` → "30,000"; ``{{ x|number:1 }}`` → "12.5"."""
    return number_format(value, digits=None if digits in (None, "") else int(digits))


@register.filter
def percent(value: Any, digits: Any = 0) -> str:
    """``{{ 12.5|percent:1 }}`` → "12.5%" (the value is in percent)."""
    return percent_format(value, digits=int(digits or 0))


@register.filter
def plain(value: Any) -> str:
    """For an input's value: "4500" rather than "4500.0000"."""
    return decimal_plain(value)


@register.filter
def numbers(values: Any, sep: str = " / ") -> str:
    """A list of quantities, each localised: "10 / 300 / 30,000"."""
    return sep.join(number_format(v) for v in values or [])
