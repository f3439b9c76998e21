"""Template filters and tags: taxonomy labels, money and numbers in the active language,
form error summaries."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import BaseFormSet
from django.utils.translation import get_language, gettext, gettext_lazy

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


def _form_errors(form: Any, prefix: str = "") -> list[dict[str, str]]:
    items = [{"label": prefix.rstrip(" ·"), "message": str(e), "anchor": ""}
             for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name] if name in form.fields else None
        label = f"{prefix}{field.label}" if field is not None else prefix.rstrip(" ·")
        anchor = field.auto_id if field is not None and not field.is_hidden else ""
        items.extend({"label": label, "message": str(e), "anchor": anchor or ""}
                     for e in errors)
    return items


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    """A summary of every error of the given forms and formsets, for the top of a form page.

    ``{% error_summary form formset %}``: one alert (role=alert, focused on load by app.js)
    with a link to each field in error; a formset's rows are numbered. Empty when all is well.
    """
    items: list[dict[str, str]] = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False):
            continue
        if isinstance(form, BaseFormSet):
            items.extend({"label": "", "message": str(e), "anchor": ""}
                         for e in form.non_form_errors())
            # ``summary_title`` (set by the view) says which list a row belongs to.
            title = str(getattr(form, "summary_title", "") or "")
            for number, row in enumerate(form.forms, start=1):
                if row.errors:
                    prefix = gettext("Row %(n)d · ") % {"n": number}
                    items.extend(_form_errors(row, f"{title} · {prefix}" if title else prefix))
        else:
            items.extend(_form_errors(form))
    return {"error_items": items}


# Why a page needs a login, by the path it was asked for (longest prefix wins).
_LOGIN_REASONS = (
    ("/estimate/", gettext_lazy(
        "The instant estimate needs an account: the CAD file you upload and its results are "
        "kept private under your account, so that only you see them and can reopen them.")),
    ("/rfqs/request/", gettext_lazy(
        "To request a quote, log in as a startup, or create a free startup account: your "
        "request is made from your project's parts and only the firms you invite see it.")),
    ("/projects/", gettext_lazy(
        "Projects belong to a startup and are private: log in to see and edit yours.")),
    ("/rfqs/", gettext_lazy(
        "Requests for quotation are private to the startup and the firms it invites.")),
    ("/window/", gettext_lazy("The coordinator window is for coordinator organisations.")),
    ("/manufacturers/", gettext_lazy("Only a firm's members may edit its profile.")),
)


@register.simple_tag
def login_reason(next_path: str | None) -> str:
    """``{% login_reason next %}``: why the page at ``next_path`` asked for a login ("" when
    the visitor came to the login page on its own)."""
    if not next_path:
        return ""
    for prefix, reason in _LOGIN_REASONS:
        if str(next_path).startswith(prefix):
            return str(reason)
    return str(gettext_lazy("This page is for members: log in, or create a free account."))
