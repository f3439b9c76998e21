"""The list's filter panel and rows from per-language fragments (``directory.panels``) are the
very bytes the templates render, in every language and state, and escape what users typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from shisaku import taxonomy
from shisaku.directory import panels, selectors
from shisaku.directory.filtersets import FACET_TITLES, DirectoryFilter
from shisaku.directory.services import manufacturers_save
from tests.factories import capability, record

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script> & \'Co\''

QUERIES = [
    "",
    "process=cnc_milling",
    "country=KR&country=JP&certification=iso_9001&stage=prototyping",
    # ticked values that no firm has (shown with 0), a filter set with no result
    "country=VN&process=welding&language=zh",
    "q=" + MARKUP + "&lot=5&accepts_foreign=true&sample=false&sort=rating",
    "q=%EC%A0%95%EB%B0%80&accepts_foreign=1&sample=true&sort=distance&near=KR-11",
    "kind=maker_space&region=KR-11&near=JP-27&page_size=50",
    "accepts_foreign=false&sort=newest&near=CN-GD&lot=1000",
]


@pytest.fixture
def firms(pool: dict[str, Any]) -> None:
    manufacturers_save(records=[
        record(MARKUP, "JP-13", slug="markup", name_local="<b>bold</b> & co",
               reply_median_hours=None, synthetic=True, kind="maker_space",
               certifications=["iso_9001"], capabilities=[capability("welding")]),
        record("Plain", "KR-11", slug="plain", name_local="Plain", reply_median_hours=12.25),
    ])


def _form(query: str) -> DirectoryFilter:
    form = DirectoryFilter(QueryDict(query))
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize("lang", ["ko", "ja", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_panel_from_fragments_is_the_templates_panel(firms: None, lang: str,
                                                         query: str) -> None:
    with translation.override(lang):
        form = _form(query)
        listing = form.listing()
        context = {"form": form, "facets": form.facets(counts=listing.counts),
                   "facet_titles": FACET_TITLES,
                   "near_choices": [(t.code, t.label(lang)) for t in taxonomy.terms("region")]}
        for oob in (False, True):
            expected = render_to_string("directory/_facets.html", {**context, "oob": oob})
            assert panels.facets(form, listing.counts, lang=lang, oob=oob) == expected
        facets = panels.facets(form, listing.counts, lang=lang, oob=False)
        assert panels.filter_panel(form, facets, lang=lang) == render_to_string(
            "directory/_filter_panel.html", {**context, "oob": False})
        # once more, from the selects kept from the first rendering
        assert panels.filter_panel(form, facets, lang=lang) == render_to_string(
            "directory/_filter_panel.html", {**context, "oob": False})


@pytest.mark.parametrize("lang", ["ko", "ja", "en"])
def test_the_rows_from_fragments_are_the_templates_rows(firms: None, lang: str) -> None:
    with translation.override(lang):
        for query in ("", "country=JP", "sort=reply&country=KR", "country=VN"):
            form = _form(query)
            rows = selectors.manufacturer_rows(form.listing().ids)
            page = Page(panels.labelled([dict(r) for r in rows], lang=lang), 1,
                        Paginator(list(range(len(rows) or 1)), 20))
            expected = render_to_string("directory/_result_rows.html", {"page": page})
            assert panels.result_rows(rows, lang=lang) == expected


def test_names_and_typed_values_are_escaped(firms: None) -> None:
    for headers in ({}, {"HX-Request": "true"}):
        html = Client().get("/manufacturers/", {"q": "script"}, headers=headers).content.decode()
        assert "<script>alert" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Co&#x27;" in html
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    html = Client().get("/manufacturers/", {"q": '"><script>'}).content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;"' in html and '"><script>' not in html


def test_chips_name_the_ticked_values_in_the_readers_language(firms: None) -> None:
    html = Client().get("/manufacturers/?process=welding&kind=maker_space",
                        headers={"Accept-Language": "ja"}).content.decode()
    chips = html[html.index('<p class="chips">'):]
    chips = chips[:chips.index("</p>")]
    assert taxonomy.label("process", "welding", "ja") in chips
    with translation.override("ja"):
        assert panels.label("ja", "kind", "maker_space") in chips


def test_a_kept_panel_shows_the_values_as_typed(firms: None) -> None:
    """Two requests that filter alike but were typed differently share their counts, not the
    values their panel shows."""
    client = Client()
    assert 'value="true" selected' in client.get(
        "/manufacturers/?accepts_foreign=true").content.decode()
    assert 'value="true" selected' not in client.get(
        "/manufacturers/?accepts_foreign=1").content.decode()
    assert 'value="plain"' in client.get("/manufacturers/?q=plain").content.decode()
    assert 'value=" plain"' in client.get("/manufacturers/?q=+plain").content.decode()


def test_list_rows_are_the_orms_values_in_the_order_asked(firms: None) -> None:
    from shisaku.directory.models import Capability, Manufacturer

    ids = [*Manufacturer.objects.order_by("-name").values_list("id", flat=True), 999999]
    expected = []
    for firm in Manufacturer.objects.filter(id__in=ids).values(*selectors.LIST_FIELDS):
        firm["processes"] = list(Capability.objects.filter(manufacturer_id=firm["id"])
                                 .order_by("process", "id").values_list("process", flat=True))
        expected.append(firm)
    expected.sort(key=lambda firm: ids.index(firm["id"]))
    assert selectors.manufacturer_rows(ids) == expected
    assert selectors.manufacturer_rows([]) == []
    assert any(firm["synthetic"] is True and firm["certifications"] == ["iso_9001"]
               for firm in selectors.manufacturer_rows(ids))
