"""Insights in Chromium, in Korean: the filter form (no JavaScript needed) narrows to one region
and one process, suppressed cells are marked "<5" with the legend, the chart images load, and
the downloaded CSV holds exactly the numbers of the page's table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(transactional_db: Any, settings: Any, tmp_path: Any) -> dict[str, str]:
    """A sample directory and history, aggregated; returns a Korean region and a process
    whose supply figures have suppressed cells."""
    from shisaku.bench.insights import history_generate
    from shisaku.directory.services import sample_load
    from shisaku.insights.build import insights_refresh
    from shisaku.insights.choices import SUPPRESSED
    from shisaku.insights.models import InsightCell

    settings.HOME = tmp_path
    sample_load(size=80, seed=3)
    history_generate(events=800, seed=3, now=NOW)
    build = insights_refresh(now=NOW)
    assert build is not None
    for cell in InsightCell.objects.filter(build=build, group="supply", geo__startswith="KR-",
                                           period="all").exclude(process="").order_by(
                                               "geo", "process"):
        if SUPPRESSED in cell.data["stages"].values():
            return {"region": cell.geo, "process": cell.process}
    raise AssertionError("the sample has no Korean region and process with few firms")


def _table(page: Any, code: str) -> list[list[str]]:
    rows = []
    for tr in page.get_by_test_id(f"table-{code}").locator("tr").all():
        rows.append([" ".join(c.split()) for c in tr.locator("th, td").all_inner_texts()])
    return rows


def test_korean_insights_filtered_to_a_region_and_process(
        browser: Any, live_server: Any, history: dict[str, str]) -> None:
    context = browser.new_context(locale="ko-KR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/insights/")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.get_by_role("heading", name="인사이트", level=1).is_visible()
        page.select_option("#id_region", history["region"])
        page.select_option("#id_process", history["process"])
        page.get_by_role("button", name="보기").click()
        page.wait_for_load_state("load")
        assert f"region={history['region']}" in page.url
        assert f"process={history['process']}" in page.url
        assert page.get_by_test_id("insights-legend").is_visible()
        table = _table(page, "supply_stages")
        assert table[0] == ["단계", "기업 수"]
        marked = page.get_by_test_id("table-supply_stages").locator(".suppressed")
        assert marked.count() >= 1 and marked.first.inner_text() == "<5"
        # the chart beside the table is an image that loaded (an SVG served by the platform)
        chart = page.locator("#fig-supply_stages img.chart")
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=chart.element_handle())
        assert chart.get_attribute("alt") == "대응 단계별 기업 수"
        with page.expect_download() as info:
            page.get_by_test_id("csv-supply_stages").click()
        path = info.value.path()
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(io.StringIO(fh.read())))
        assert rows == table
        if os.environ.get("SHISAKU_SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["SHISAKU_SCREENSHOTS"],
                                              "insights-ko-filtered.png"), full_page=True)
    finally:
        context.close()
