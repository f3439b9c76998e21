"""In Chromium, in Korean: upload a part with an undercut, see it highlighted in the 3D view,
and read a plan whose every row names process, material, region, unit cost and lead time."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh

from tests.e2e.conftest import CHROMIUM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 9"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def webgl_page(browser: Any) -> Iterator[Any]:
    """A second Chromium, from the session's Playwright, with software WebGL (SwiftShader),
    which the 3D preview needs."""
    webgl = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
              "--disable-background-networking", "--disable-component-update",
              "--no-first-run"])
    context = webgl.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    webgl.close()


def _box_with_side_hole(path: Path) -> None:
    box = trimesh.creation.box(extents=[100, 60, 40])
    box.apply_translation([50, 30, 20])
    inner = trimesh.creation.box(extents=[95, 55, 40])
    inner.apply_translation([50, 30, 22.5])
    hole = trimesh.creation.cylinder(radius=5, height=20, sections=32)
    hole.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    hole.apply_translation([0, 30, 20])
    part = trimesh.boolean.difference([box, inner, hole], engine="manifold")
    path.write_bytes(part.export(file_type="stl"))


def test_undercut_in_3d_and_a_korean_plan(webgl_page: Any, live_server: Any, settings: Any,
                                          tmp_path: Path) -> None:
    from shisaku.accounts.models import User

    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.create_user("maker3d", "maker3d@example.org", PASSWORD)
    part = tmp_path / "housing_side_hole.stl"
    _box_with_side_hole(part)
    page = webgl_page
    page.goto(f"{live_server.url}/accounts/login?next=/estimate/")
    page.fill("#id_username", "maker3d")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/estimate/")
    page.set_input_files("#id_file", str(part))
    page.fill("#id_quantities", "10, 1000, 10000")
    page.select_option("#id_target_currency", "KRW")
    page.fill("#id_target_unit_cost", "30000")
    button = page.get_by_test_id("estimate-button")
    button.click(no_wait_after=True)
    # while the estimate runs the button is disabled and shows its spinner
    page.wait_for_function(
        "() => { const b = document.querySelector('[data-testid=estimate-button]');"
        " return !b || (b.disabled && b.classList.contains('busy')); }")
    page.get_by_test_id("plan").wait_for()

    rows = page.get_by_test_id("plan-row")
    assert rows.count() == 3
    for i in range(rows.count()):
        row = rows.nth(i)
        for col in ("process", "material", "region", "unit_cost", "lead_time"):
            text = row.locator(f'[data-col="{col}"]').inner_text().strip()
            assert text and text != "None", (i, col)
        assert HANGUL.search(row.locator('[data-col="process"]').inner_text())
        assert HANGUL.search(row.locator('[data-col="region"]').inner_text())
    assert "None" not in page.get_by_test_id("plan").inner_text()

    view = page.get_by_test_id("part-view")
    page.wait_for_function(
        "() => ['ready', 'failed'].includes(document.querySelector('.part-view').dataset.state)")
    assert view.get_attribute("data-state") == "ready"
    assert "undercut" in (view.get_attribute("data-highlighted") or "").split()
    assert view.locator("canvas").count() == 1
    dfm = page.get_by_test_id("dfm").inner_text()
    assert "언더컷" in dfm  # the finding, in Korean
    assert "30,000.00 KRW" in page.content()  # the target, converted at a dated rate
    # the cost chart: an SVG image (matplotlib) at its own URL, drawn, with its numbers as a table
    chart = page.get_by_test_id("cost-plot")
    page.wait_for_function("() => document.querySelector('[data-testid=cost-plot]').complete")
    assert chart.evaluate("i => i.naturalWidth") > 0
    assert HANGUL.search(chart.get_attribute("alt") or "")
    assert page.get_by_test_id("chart-table").count() == 1
    shots = os.environ.get("SHISAKU_SCREENSHOTS")  # a folder, when a person wants to look
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / "estimate_ko.png"), full_page=True)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    print(f"page height: {height} px")
    assert height < 4000
