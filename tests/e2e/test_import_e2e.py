"""A coordinator imports a Shift_JIS pool with a bad row in the browser, in Korean: sees the
report (every bad row, the names as read), fixes the file, confirms, and sees the batch."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "import-pools-2026"
SHOTS = Path(os.environ.get("SHISAKU_SCREENSHOTS", "")) if os.environ.get(
    "SHISAKU_SCREENSHOTS") else None
HEADER = "name,name_local,country,region,process,max_lot"
ROWS = ["株式会社佐々木製作所,佐々木製作所,JP,JP-26,cnc_milling,100",
        "（株）山田製作所,,JP,JP-27,cnc_turning,50"]
BAD = "壊れた行,,JP,JP-26,laser_welding,10"


@pytest.fixture
def coordinator(transactional_db: Any, settings: Any, tmp_path: Path) -> None:
    from shisaku.accounts.models import Membership, Organisation, User

    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("kim", "kim@example.org", PASSWORD)
    org = Organisation.objects.create(kind="coordinator", name="경북 시제품 센터",
                                      slug="gb-centre", country="KR")
    Membership.objects.create(user=user, organisation=org, role="owner")


def _file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "kyoto-pool.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n,,,,,\r\n").encode("shift_jis"))
    return path


def _shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_coordinator_imports_a_shift_jis_pool_in_korean(login_as: Any, live_server: Any,
                                                        coordinator: None,
                                                        tmp_path: Path) -> None:
    from shisaku.directory.models import ImportBatch, Manufacturer

    page = login_as("kim", PASSWORD)
    page.select_option("#language", "ko")
    page.wait_for_function("document.documentElement.lang === 'ko'")
    page.get_by_role("link", name="풀 가져오기").click()
    page.get_by_role("link", name="풀 파일 가져오기").click()

    # First try: the file has a bad row.
    page.set_input_files("#id_file", str(_file(tmp_path, [*ROWS, BAD])))
    page.fill("#id_source", "교토 시사쿠넷 참가 기업 2026")
    page.get_by_role("button", name="파일 검사").click()
    page.wait_for_url("**/manufacturers/imports/*/")
    assert "거부됨" in page.get_by_test_id("batch-status").inner_text()
    errors = page.get_by_test_id("errors")
    assert errors.locator('tr[data-line="4"]').count() == 1
    assert "laser_welding" in errors.inner_text()
    sample = page.get_by_test_id("sample").inner_text()
    assert "株式会社佐々木製作所" in sample and "（株）山田製作所" in sample  # read right
    assert page.get_by_test_id("confirm").count() == 0
    _shot(page, "import-report-refused-ko.png")

    # Second try without the bad row: checked, then confirmed.
    page.get_by_role("link", name="모든 풀 가져오기").click()
    page.get_by_role("link", name="풀 파일 가져오기").click()
    page.set_input_files("#id_file", str(_file(tmp_path, ROWS)))
    page.fill("#id_source", "교토 시사쿠넷 참가 기업 2026")
    page.get_by_role("button", name="파일 검사").click()
    page.wait_for_url("**/manufacturers/imports/*/")
    assert page.get_by_test_id("to-create").inner_text() == "2"
    assert Manufacturer.objects.count() == 0
    _shot(page, "import-report-checked-ko.png")
    page.get_by_role("button", name="확인하고 적재").click()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("created").inner_text() == "2"
    firms = page.get_by_test_id("firms").inner_text()
    assert "株式会社佐々木製作所" in firms and "（株）山田製作所" in firms
    _shot(page, "import-batch-loaded-ko.png")

    page.get_by_role("link", name="모든 풀 가져오기").click()
    listing = page.get_by_test_id("import-batches").inner_text()
    assert "교토 시사쿠넷 참가 기업 2026" in listing and "적재됨" in listing
    _shot(page, "import-batches-ko.png")
    batch = ImportBatch.objects.get(status="loaded")
    assert batch.manufacturers.count() == 2
    assert batch.organisation is not None and batch.organisation.name == "경북 시제품 센터"
