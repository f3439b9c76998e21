"""The directory list's filter panel and result rows, rendered from per-language fragments.

Through the template engine, the filter panel (``directory/_filter_panel.html``: ~190 facet
options, ~100 regions, three selects) and the 20 rows of ``directory/_results_body.html`` were
10–14 ms of a list request whose answer the index gave in a few milliseconds. Here every part
that does not depend on the request — each option's markup with its label in one language, the
panel's frame, the row badges — is rendered once per process and language (:func:`fragments`);
a request only joins those pieces with its counts, ticks, typed values and rows.

The templates stay the definition of the markup: ``directory/_facets.html``,
``_filter_panel.html`` and ``_result_rows.html`` still render the error pages (400), and tests
check that both ways give the very same bytes in every language. Escaping is the templates':
labels, names, typed values and counts go through ``format_html`` / ``escape`` (user data is
never marked safe); translations of the templates' own literals are markup, as
``{% translate %}`` outputs them.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext

from shisaku import taxonomy
from shisaku.directory.choices import ProviderKind
from shisaku.directory.filtersets import FACET_TITLES, TAXONOMY_PARAMS, DirectoryFilter

__all__ = ["facets", "filter_panel", "fragments", "label", "labelled", "result_rows"]

# Selects rendered by their Django widgets (``{{ form.sort }}``): one rendering per language
# and selected option is kept (the markup depends on nothing else).
_SELECTS = ("accepts_foreign", "sample", "sort")
_NO_OPTION = object()  # a value that selects no option


def _markup(text: str) -> str:
    """A translation of a template literal as ``{% translate %}`` outputs it: as markup."""
    return format_html(text.replace("{", "{{").replace("}", "}}") + "{}", "")


def _join(parts: Iterable[Any]) -> str:
    """Markup pieces (each escaped unless it is markup already) joined."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _literal(markup: str) -> str:
    """Rendered markup (from ``format_html``: its values escaped) as text of a format string
    for ``format_html``. A request's markup is one ``format_html`` call whose format string
    is assembled from such fragments, constant markup and integers (counts, ids: digits)
    only; every other value — what users typed or named — is one of its arguments, escaped
    there."""
    return str(markup).replace("{", "{{").replace("}", "}}")


@dataclass
class Fragments:
    """What the panel and the rows of one language are made of (see the module docstring)."""

    language: str
    labels: dict[str, dict[str, str]]  # param -> code -> label (plain text), panel order
    # param -> code -> (unticked, ticked): format text of an option up to its count
    options: dict[str, dict[str, tuple[str, str]]]
    fieldsets: dict[str, str]  # param -> format text of a fieldset up to its options
    panel: str  # format string of the filter panel around its variable parts
    near: list[tuple[str, str, str]]  # (code, option, option selected)
    near_none: str  # every region, none selected
    selects: dict[tuple[str, object], str]
    detail_url: tuple[str, str]  # format text before and after the firm's id
    row_labels: dict[str, dict[str, str]]  # kind -> code -> format text of its label
    maker: str  # format text
    sample: str  # format text
    reply: str  # format text around the hours ("{}")
    no_rows: str
    lock: threading.Lock

    def row_label(self, kind: str, code: str) -> str:
        found = self.row_labels[kind].get(code)
        if found is None:  # (a code the taxonomy does not know: its label is the code)
            found = _literal(escape(taxonomy.label(kind, code, self.language)))
        return found

    def select(self, form: DirectoryFilter, name: str) -> str:
        """``{{ form.<name> }}`` of a valid form (from the first rendering of its state)."""
        raw = form[name].value()
        value = "" if raw is None else str(raw)
        state: object = value if value in _option_values(form, name) else _NO_OPTION
        html = self.selects.get((name, state))
        if html is None:
            html = str(form[name])
            with self.lock:
                self.selects[(name, state)] = html
        return html


def _option_values(form: DirectoryFilter, name: str) -> set[str]:
    return {str(value) for value, _label in form.fields[name].widget.choices}


_FRAGMENTS: dict[str, Fragments] = {}
_FRAGMENTS_LOCK = threading.Lock()


def fragments(lang: str) -> Fragments:
    """The fragments of a language (rendered on first use; taxonomy and translations are
    fixed for the life of the process, so they never go stale)."""
    found = _FRAGMENTS.get(lang)
    if found is None:
        with translation.override(lang):
            found = _build(lang)
        with _FRAGMENTS_LOCK:
            found = _FRAGMENTS.setdefault(lang, found)
    return found


def _facet_terms(param: str, lang: str) -> list[tuple[str, str]]:
    if param == "kind":
        return [(code, str(name)) for code, name in ProviderKind.choices]
    return [(t.code, t.label(lang)) for t in taxonomy.terms(TAXONOMY_PARAMS.get(param, param))]


def _build(lang: str) -> Fragments:
    labels: dict[str, dict[str, str]] = {}
    options: dict[str, dict[str, tuple[str, str]]] = {}
    fieldsets: dict[str, str] = {}
    for param, title in FACET_TITLES.items():
        labels[param] = dict(_facet_terms(param, lang))
        options[param] = {
            code: tuple(_literal(format_html(
                '\n      <label><input type="checkbox" name="{}" value="{}"{}> {}'
                ' <span class="count">', param, code, _markup(ticked), name))
                for ticked in ("", " checked"))
            for code, name in labels[param].items()}
        fieldsets[param] = _literal(format_html(
            '\n  <fieldset class="facet" data-facet="{}">\n    <legend>{}</legend>\n'
            '    <div class="facet-options">\n    ', param, title))
    form = DirectoryFilter()
    url = reverse("directory:list")
    panel = str(format_html(
        '  <details class="filter-panel" open data-fold-narrow><summary>{}</summary>\n'
        '  <form id="filters" method="get" action="{}"\n'
        '        hx-get="{}" hx-target="#results" hx-push-url="true"\n'
        '        hx-trigger="change, submit, keyup changed delay:400ms from:#q"'
        ' hx-indicator="#results">\n'
        '    <div class="field">\n'
        '      <label for="q">{}</label>\n'
        '      <input id="q" name="q" type="search" value="\x00" placeholder="{}"'
        ' maxlength="{}">\n'
        '    </div>\n'
        '    <div class="field">\n'
        '      <label for="lot">{}</label>\n'
        '      <input id="lot" name="lot" type="number" min="1" value="\x00">\n'
        '    </div>\n'
        '    <div class="field">\n'
        '      <label for="accepts_foreign">{}</label>\n'
        '      \x00\n'
        '    </div>\n'
        '    <div class="field">\n'
        '      <label for="id_sample">{}</label>\n'
        '      \x00\n'
        '    </div>\n'
        '    <div class="field">\n'
        '      <label for="id_sort">{}</label>\n'
        '      \x00\n'
        '    </div>\n'
        '    <div class="field">\n'
        '      <label for="id_near">{}</label>\n'
        '      \n'
        '      <select id="id_near" name="near">\n'
        '        <option value="">—</option>\x00\n'
        '      </select>\n'
        '    </div>\n'
        '    \x00\n'
        '    <noscript><button type="submit">{}</button></noscript>\n'
        '    <button type="submit" class="js-hidden">{}</button>\n'
        '  </form>\n'
        '  </details>\n',
        _markup(gettext("Filters")), url, url, _markup(gettext("Search")),
        _markup(gettext("Name, city, equipment…")), form.fields["q"].max_length,
        form["lot"].label, form["accepts_foreign"].label, form["sample"].label,
        form["sort"].label, form["near"].label, _markup(gettext("Apply filters")),
        _markup(gettext("Apply filters")),
    )).replace("{", "{{").replace("}", "}}").replace("\x00", "{}")
    near = [(t.code,
             format_html('<option value="{}">{}</option>', t.code, t.label(lang)),
             format_html('<option value="{}" selected>{}</option>', t.code, t.label(lang)))
            for t in taxonomy.terms("region")]
    before, _sep, after = str(reverse("directory:detail", args=[987654321])).partition(
        "987654321")
    reply = _literal(gettext("%(h)s h")).replace("%(h)s", "{}").replace("%%", "%")
    row_labels = {kind: {t.code: _literal(format_html("{}", t.label(lang)))
                         for t in taxonomy.terms(kind)}
                  for kind in ("region", "country", "process", "certification")}
    return Fragments(
        language=lang, labels=labels, options=options, fieldsets=fieldsets, panel=panel,
        near=near, near_none=_join(option for _code, option, _selected in near),
        selects={}, detail_url=(_literal(escape(before)), _literal(escape(after))),
        row_labels=row_labels,
        maker=_literal(format_html('<span class="badge maker">{}</span>',
                                   _markup(gettext("maker space")))),
        sample=_literal(format_html('<span class="badge sample">{}</span>',
                                    _markup(gettext("sample data")))),
        reply=reply,
        no_rows=format_html('\n    <tr><td colspan="5">{}</td></tr>\n  \n',
                            _markup(gettext("No manufacturer matches these filters. "
                                            "Remove a filter to see more."))),
        lock=threading.Lock(),
    )


def label(lang: str, param: str, code: str) -> str:
    """A facet value's label in a language (the code itself when unknown)."""
    return fragments(lang).labels.get(param, {}).get(code, code)


def facets(form: DirectoryFilter, counts: Mapping[str, Mapping[str, int]], *, lang: str,
           oob: bool) -> str:
    """``directory/_facets.html`` for a valid form and its facet counts: the options with a
    count, or ticked, of every facet, in the panel's order."""
    f = fragments(lang)
    data = form.cleaned_data
    text = ['<div id="facets"{}>\n  ']
    values: list[Any] = [_markup(' hx-swap-oob="true"') if oob else ""]
    for param, options in f.options.items():
        found = counts.get(param, {})
        ticked = set(data.get(param) or ())
        shown = [code for code in options if found.get(code) or code in ticked]
        if shown:
            text.append(f.fieldsets[param])
            for code in shown:
                text += (options[code][code in ticked], str(int(found.get(code, 0))),
                         "</span></label>\n    ")
            text.append("\n    </div>\n  </fieldset>\n  ")
    text.append("\n</div>\n")
    return format_html("".join(text), *values)


def filter_panel(form: DirectoryFilter, facets_html: str, *, lang: str) -> str:
    """``directory/_filter_panel.html`` for a valid form around its rendered facets."""
    f = fragments(lang)
    near = form["near"].value() or ""
    if near:
        near_html = _join(selected if code == near else option
                          for code, option, selected in f.near)
    else:
        near_html = f.near_none
    return format_html(f.panel, form["q"].value() or "", form["lot"].value() or "",
                       f.select(form, "accepts_foreign"), f.select(form, "sample"),
                       f.select(form, "sort"), near_html, facets_html)


def result_rows(rows: list[dict[str, Any]], *, lang: str) -> str:
    """The rows of ``directory/_result_rows.html`` for rows of
    :func:`~shisaku.directory.selectors.manufacturer_rows` (labels in ``lang``)."""
    f = fragments(lang)
    if not rows:
        return f.no_rows
    label_of = f.row_label
    before, after = f.detail_url
    active = translation.get_language()
    text: list[str] = []
    values: list[Any] = []
    for m in rows:
        text.append(f'\n    <tr>\n      <td><a href="{before}{int(m["id"])}{after}">{{}}</a>')
        values.append(m["name"])
        if m["name_local"] and m["name_local"] != m["name"]:
            text.append("<br><small>{}</small>")
            values.append(m["name_local"])
        text += ("\n        ", f.maker if m["kind"] == "maker_space" else "", "\n        ",
                 f.sample if m["synthetic"] else "", "</td>\n      <td>",
                 label_of("region", m["region"]), "<br><small>",
                 label_of("country", m["country"]), "</small></td>\n      <td>",
                 ", ".join(label_of("process", c) for c in m["processes"]),
                 "</td>\n      <td>",
                 ", ".join(label_of("certification", c) for c in m["certifications"] or []),
                 '</td>\n      <td class="num">')
        if m["reply_median_hours"] is None:
            text.append("—")
        else:
            text.append(f.reply)
            values.append(_hours(m["reply_median_hours"], active))
        text.append("</td>\n    </tr>\n  ")
    text.append("\n")
    return format_html("".join(text), *values)


@functools.lru_cache(maxsize=4096)
def _hours(hours: float, language: str | None) -> str:
    """``hours|floatformat:1`` in the active language (``language``; 20–30 µs a call, so the
    values met are kept: a few thousand short strings at most)."""
    return floatformat(hours, 1)


def labelled(rows: list[dict[str, Any]], *, lang: str) -> list[dict[str, Any]]:
    """Rows with the labels ``directory/_result_rows.html`` prints (the template's way)."""
    name_of = taxonomy.label
    for row in rows:
        row["region_label"] = name_of("region", row["region"], lang)
        row["country_label"] = name_of("country", row["country"], lang)
        row["process_labels"] = ", ".join(name_of("process", c, lang) for c in row["processes"])
        row["certification_labels"] = ", ".join(name_of("certification", c, lang)
                                                for c in row["certifications"] or [])
    return rows
