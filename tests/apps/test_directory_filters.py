"""The directory's filter set: what each filter means, and counts that agree everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import Manufacturer

pytestmark = pytest.mark.django_db


def slugs(query: str) -> set[str]:
    form = DirectoryFilter(QueryDict(query))
    assert form.is_valid(), form.errors
    return set(form.filter(Manufacturer.objects.all()).values_list("slug", flat=True))


def test_no_filter_lists_everyone(pool: dict[str, Any]) -> None:
    assert slugs("") == set(pool)


def test_process_filters_are_all_of(pool: dict[str, Any]) -> None:
    assert slugs("process=cnc_milling") == {"daehan", "huaxin"}
    assert slugs("process=cnc_milling&process=sheet_metal") == {"huaxin"}


def test_location_filters_are_any_of(pool: dict[str, Any]) -> None:
    assert slugs("country=JP&country=CN") == {"yamada", "huaxin"}
    assert slugs("block=KR-DAEGYEONG") == {"daehan"}
    assert slugs("region=KR-26") == {"busan-pcb"}


def test_lot_must_fit_a_capability_of_the_chosen_process(pool: dict[str, Any]) -> None:
    assert slugs("lot=50000") == {"yamada", "huaxin"}
    assert slugs("lot=50000&process=cnc_milling") == {"huaxin"}
    assert slugs("lot=10&process=cnc_milling") == {"daehan"}


def test_text_search_matches_korean_japanese_chinese_and_latin(pool: dict[str, Any]) -> None:
    assert slugs("q=대한") == {"daehan"}
    assert slugs("q=製作所") == {"yamada"}
    assert slugs("q=华信") == {"huaxin"}
    assert slugs("q=PRECISION") == {"daehan"}
    assert slugs("q=seisakusho yamada") == {"yamada"}


def test_certification_material_language_and_foreign(pool: dict[str, Any]) -> None:
    assert slugs("certification=iso_13485") == {"daehan"}
    assert slugs("material=fr4") == {"busan-pcb"}
    assert slugs("language=ja") == {"yamada"}
    assert slugs("accepts_foreign=false") == {"busan-pcb"}
    assert slugs("kind=maker_space") == {"seoul-lab"}
    assert slugs("technology=electric") == {"busan-pcb"}


@pytest.mark.parametrize("query, field", [
    ("process=laser_welding", "process"), ("lot=0", "lot"), ("lot=abc", "lot"),
    ("country=XX", "country"), ("sort=price", "sort"), ("page_size=7", "page_size"),
])
def test_invalid_values_name_the_field(pool: dict[str, Any], query: str, field: str) -> None:
    form = DirectoryFilter(QueryDict(query))
    assert not form.is_valid()
    assert field in form.errors


def test_facet_counts_follow_the_result(pool: dict[str, Any]) -> None:
    form = DirectoryFilter(QueryDict("country=KR"))
    assert form.is_valid()
    facets = form.facets(Manufacturer.objects.all())
    process = {f["code"]: f["count"] for f in facets["process"]}
    assert process["cnc_milling"] == 1  # only Daehan among the Korean firms
    assert "injection_molding" not in process
    # A location facet keeps its other options visible with their own counts.
    country = {f["code"]: f["count"] for f in facets["country"]}
    assert country == {"KR": 3, "JP": 1, "CN": 1}


def test_sorting_by_reply_time_puts_unknown_last(pool: dict[str, Any]) -> None:
    Manufacturer.objects.filter(slug="yamada").update(reply_median_hours=None)
    Manufacturer.objects.filter(slug="huaxin").update(reply_median_hours=1.0)
    form = DirectoryFilter(QueryDict("sort=reply"))
    assert form.is_valid()
    order = list(form.filter(Manufacturer.objects.all()).values_list("slug", flat=True))
    assert order[0] == "huaxin" and order[-1] == "yamada"
