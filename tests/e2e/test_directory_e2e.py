"""A visitor filters the directory, opens a profile and switches the language — in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import capability, record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(transactional_db: Any) -> None:
    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan", name_local="대한정밀",
               capabilities=[capability("cnc_milling")], certifications=["iso_13485"]),
        record("Yamada Seisakusho", "JP-26", slug="yamada", name_local="山田製作所",
               capabilities=[capability("injection_molding", materials=["abs"],
                                        min_lot=1000, max_lot=100000)]),
        record("Huaxin Hardware", "CN-GD", slug="huaxin",
               capabilities=[capability("sheet_metal", materials=["stainless_304"])]),
    ])


def test_filter_open_profile_switch_language(page: Any, live_server: Any, directory: None) -> None:
    page.goto(f"{live_server.url}/manufacturers/")
    count = page.get_by_test_id("result-count")
    assert count.inner_text().startswith("3 results")

    # Ticking a facet updates the list through htmx, without a full page load.
    page.evaluate("window.__same_page = true")
    page.locator('fieldset[data-facet="process"] input[value="injection_molding"]').check()
    # expect() polls without eval (the CSP forbids it, so no wait_for_function)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"^1 result"))
    assert page.evaluate("window.__same_page") is True
    assert "process=injection_molding" in page.url  # the URL can be shared and reloaded
    assert page.locator("table.results tbody tr").count() == 1

    page.get_by_role("link", name="Yamada Seisakusho").click()
    page.wait_for_url("**/manufacturers/*/")
    assert page.locator("h1").inner_text().startswith("Yamada Seisakusho")
    assert page.locator('tr[data-process="injection_molding"]').count() == 1

    # Switch to Korean: interface strings and taxonomy labels change.
    page.select_option("#language", "ko")
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    assert "사출 성형" in page.locator('tr[data-process="injection_molding"]').inner_text()
    assert "역량" in page.content()  # "Capabilities" heading in Korean

    # And Japanese.
    page.select_option("#language", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert "射出成形" in page.locator('tr[data-process="injection_molding"]').inner_text()


def test_the_same_url_works_without_javascript(browser: Any, live_server: Any,
                                               directory: None) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/manufacturers/?country=KR")
    assert page.get_by_test_id("result-count").inner_text().startswith("1 result")
    assert "Daehan Precision" in page.content()
    context.close()


def test_korean_search_ignores_spaces_and_sorts_by_distance(page: Any, live_server: Any,
                                                            transactional_db: Any) -> None:
    import os

    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[
        record("Busan Molding", "KR-26", slug="busan", name_local="부산 사출 성형",
               capabilities=[capability("injection_molding")]),
        record("Seoul Molding", "KR-11", slug="seoul", name_local="서울사출성형",
               capabilities=[capability("injection_molding")]),
        record("Daegu Metal", "KR-27", slug="daegu", name_local="대구금속"),
    ])
    page.set_default_timeout(60_000)  # the first request builds the index
    page.goto(f"{live_server.url}/manufacturers/")
    page.select_option("#language", "ko")
    page.wait_for_function("document.documentElement.lang === 'ko'")
    page.goto(f"{live_server.url}/manufacturers/?q=사출성형&sort=distance&near=KR-26")
    assert page.get_by_test_id("result-count").inner_text() == "결과 2건"
    names = page.locator("table.results tbody tr td:first-child a").all_inner_texts()
    assert names == ["Busan Molding", "Seoul Molding"]  # nearest to Busan first
    assert page.locator("#id_near").input_value() == "KR-26"
    assert page.locator("#id_near option:checked").inner_text() == "부산광역시"
    shots = os.environ.get("SHISAKU_SCREENSHOTS")
    if shots:
        page.screenshot(path=os.path.join(shots, "directory-search-distance-ko.png"),
                        full_page=True)
    # A control character is refused with the field named, in Korean.
    page.goto(f"{live_server.url}/manufacturers/?q=a%07b")
    assert "제어 문자" in page.content()


def test_a_refused_filter_says_why_in_the_page(browser: Any, live_server: Any,
                                              directory: None) -> None:
    """The fault: htmx swaps no 4xx answer by default, so choosing "nearest to a region"
    without a region (or typing lot 0) changed nothing on the page — no list, no reason —
    while the server answered 400 with the reason in Korean. The reason must show, and the
    filter panel must stay usable."""
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/manufacturers/")
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"3"))
    page.select_option("#id_sort", "distance")
    expect(page.locator("#results .errors")).to_contain_text("거리를 잴 기준 지역을 선택하세요")
    assert page.locator('#facets input[name="process"]').count() == 3  # the panel is intact
    page.select_option("#id_near", "KR-26")
    expect(page.locator("#results .errors")).to_have_count(0)
    names = page.locator("table.results tbody tr td:first-child a").all_inner_texts()
    assert names[0] == "Daehan Precision"  # Gyeongbuk is nearest to Busan
    # the template's comment about it stays a comment (Django's {# #} is one line only)
    assert "htmx under the CSP" not in page.locator("body").inner_text()
    context.close()


def test_a_long_unbroken_name_does_not_widen_the_page(page: Any, live_server: Any,
                                                      transactional_db: Any) -> None:
    """The fault: a profile named with 200 characters and no space (the form allows it) made
    the list 3,870 px wide at a 1,280 px window (the location, processes and open-data links
    off screen), and the profile page 1,605 px wide (its name and a long city)."""
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[record("Zebra" + "W" * 195, "KR-26", slug="long",
                                       city="Gumi" + "x" * 116)])
    firm = Manufacturer.objects.get(slug="long")
    page.set_viewport_size({"width": 1280, "height": 900})
    for url in ("/manufacturers/?q=zebra", f"/manufacturers/{firm.pk}/"):
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, (url, width)
