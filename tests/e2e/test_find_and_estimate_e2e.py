"""In Chromium: find manufacturers for a requirement and open one; estimate an uploaded part."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.factories import capability, record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"
PASSWORD = "a long enough password 9"


@pytest.fixture
def directory(transactional_db: Any) -> None:
    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan",
               capabilities=[capability("cnc_milling", max_lot=5000)]),
        record("Gyeonggi Tech", "KR-41", slug="gyeonggi",
               capabilities=[capability("cnc_milling", max_lot=50)]),
        record("Yamada Seisakusho", "JP-26", slug="yamada",
               capabilities=[capability("injection_molding", materials=["abs"])]),
    ])


def test_find_then_open_the_profile(page: Any, live_server: Any, directory: None) -> None:
    page.goto(f"{live_server.url}/manufacturers/find")
    page.select_option("#id_process", ["cnc_milling"])
    page.fill("#id_quantity", "300")
    page.select_option("#id_origin_region", "KR-11")
    page.get_by_role("button", name="Find").click()
    summary = page.get_by_test_id("match-summary")
    summary.wait_for()
    assert summary.inner_text().startswith("1 of 3 manufacturers")  # Gyeonggi stops at 50
    assert "quantity=300" in page.url
    page.locator('[data-testid="match-results"] a', has_text="Daehan Precision").click()
    page.wait_for_url("**/manufacturers/*/")
    assert page.locator("h1").inner_text().startswith("Daehan Precision")


def test_upload_a_part_and_read_the_plan(page: Any, live_server: Any, settings: Any,
                                         tmp_path: Path) -> None:
    from shisaku.accounts.models import User

    settings.MEDIA_ROOT = tmp_path
    User.objects.create_user("maker", "maker@example.org", PASSWORD)
    page.goto(f"{live_server.url}/accounts/login?next=/estimate/")
    page.fill("#id_username", "maker")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/estimate/")
    page.set_input_files("#id_file", str(PARTS / "plate_holes.STL"))
    page.fill("#id_quantities", "10, 300, 5000")
    started = time.monotonic()
    page.get_by_role("button", name="Estimate").click()
    page.get_by_test_id("plan").wait_for()
    elapsed = time.monotonic() - started
    rows = page.locator('[data-testid="plan"] tbody tr')
    assert rows.count() == 3
    assert "203.2 × 304.8 × 12.7" in page.get_by_test_id("geometry").text_content()
    chart = page.locator(".plot img[src$='/chart.svg']")
    assert chart.count() == 1
    page.wait_for_function(
        "() => { const i = document.querySelector('.plot img'); return i.complete; }")
    assert chart.evaluate("i => i.naturalWidth") > 0  # the SVG loaded and was drawn
    print(f"upload-to-estimate page: {elapsed:.2f} s")
