"""Coordinators import pools in the browser: upload, report, confirm, batch (issue #12)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.directory.choices import IMPORT_BATCH_TRANSITIONS, ImportBatchStatus
from shisaku.directory.models import ImportBatch, Manufacturer
from tests.apps.test_projects_support import member

pytestmark = pytest.mark.django_db

HEADER = "name,name_local,country,region,process,max_lot,contact_email"
GOOD_SJIS = (HEADER + "\r\n株式会社佐々木製作所,佐々木製作所,JP,JP-26,cnc_milling,100,"
             "info@sasaki.example\r\n（株）山田製作所,,JP,JP-27,cnc_turning,50,\r\n,,,,,,\r\n")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator(client: Client) -> Client:
    user, _org = member("kim", "coordinator")
    client.force_login(user)
    return client


def upload(client: Client, content: bytes, name: str = "pool.csv", **extra: str) -> Any:
    data = {"file": SimpleUploadedFile(name, content), "source": "Kyoto Shisaku Net 2026",
            "encoding": "", "duplicates": "refuse", **extra}
    return client.post("/manufacturers/imports/new", data)


def test_transitions_table() -> None:
    assert ImportBatchStatus.LOADED in IMPORT_BATCH_TRANSITIONS[ImportBatchStatus.CHECKED]
    for final in (ImportBatchStatus.LOADED, ImportBatchStatus.REFUSED,
                  ImportBatchStatus.DISCARDED):
        assert IMPORT_BATCH_TRANSITIONS[final] == frozenset()


def test_upload_check_confirm_load(coordinator: Client) -> None:
    r = upload(coordinator, GOOD_SJIS.encode("shift_jis"))
    assert r.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.encoding, batch.rows) == ("checked", "shift_jis", 2)
    assert Manufacturer.objects.count() == 0  # nothing loaded before confirmation
    page = coordinator.get(r["Location"]).content.decode()
    assert "株式会社佐々木製作所" in page and "（株）山田製作所" in page  # the decoded sample
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("loaded", 2)
    assert not batch.file  # the stored upload (private contacts) is gone
    sasaki = Manufacturer.objects.get(name="株式会社佐々木製作所")
    assert sasaki.contact_email == "info@sasaki.example"
    assert sasaki.source == "Kyoto Shisaku Net 2026"
    assert set(batch.manufacturers.all()) == set(Manufacturer.objects.all())
    detail = coordinator.get(f"/manufacturers/imports/{batch.pk}/").content.decode()
    assert "佐々木製作所" in detail and "info@sasaki.example" not in detail
    listing = coordinator.get("/manufacturers/imports/").content.decode()
    assert "Kyoto Shisaku Net 2026" in listing
    # Loading twice is refused.
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 400 and Manufacturer.objects.count() == 2


def test_bad_rows_are_all_listed_and_nothing_can_be_loaded(coordinator: Client) -> None:
    content = (HEADER + "\nGood,,KR,KR-47,cnc_milling,10,\nBad,,KR,KR-47,laser_welding,10,\n"
               "Nul,,KR,KR-47,cnc_milling,99999999999,not-mail\n").encode()
    r = upload(coordinator, content)
    batch = ImportBatch.objects.get()
    assert batch.status == "refused" and not batch.file
    page = coordinator.get(r["Location"]).content.decode()
    for needle in ('data-line="3"', 'data-line="4"', "capabilities[0].max_lot",
                   "contact_email"):
        assert needle in page
    assert 'data-testid="confirm"' not in page
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 400 and Manufacturer.objects.count() == 0
    # The reasons in the reader's language, the values kept.
    coordinator.cookies["django_language"] = "ko"
    page = coordinator.get(f"/manufacturers/imports/{batch.pk}/").content.decode()
    assert "알 수 없는 process 코드: laser_welding" in page
    assert "99999999999은(는) 허용 범위 0~2147483647를 벗어납니다" in page


def test_probable_duplicates_need_an_explicit_choice(coordinator: Client) -> None:
    content = (HEADER + "\nHanbit Precision,한빛정밀,KR,KR-47,cnc_milling,10,\n").encode()
    upload(coordinator, content)
    coordinator.post(f"/manufacturers/imports/{ImportBatch.objects.get().pk}/load",
                     {"duplicates": "refuse"})
    nfd = unicodedata.normalize("NFD", "한빛정밀")
    again = (HEADER + f"\nHANBIT PRECISION,{nfd},KR,KR-47,mold_making,10,\n").encode()
    r = upload(coordinator, again, name="again.csv")
    batch = ImportBatch.objects.latest("id")
    assert batch.status == "checked"
    page = coordinator.get(r["Location"]).content.decode()
    assert 'data-testid="duplicates"' in page and "Hanbit Precision" in page
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 400 and Manufacturer.objects.count() == 1
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "update"})
    assert r.status_code == 302
    firm = Manufacturer.objects.get()
    assert firm.name == "HANBIT PRECISION" and firm.name_local == "한빛정밀"
    assert list(ImportBatch.objects.latest("id").manufacturers.all()) == [firm]


def test_only_coordinators_import_and_see_their_batches(client: Client,
                                                        coordinator: Client) -> None:
    upload(coordinator, GOOD_SJIS.encode("shift_jis"))
    batch = ImportBatch.objects.get()
    startup, _org = member("mina", "startup")
    other = Client()
    other.force_login(startup)
    assert other.get("/manufacturers/imports/").status_code == 404
    assert upload(other, b"name,country,region\nX,KR,KR-47\n").status_code == 404
    assert other.post(f"/manufacturers/imports/{batch.pk}/load",
                      {"duplicates": "refuse"}).status_code == 404
    stranger, _org = member("lee", "coordinator")
    third = Client()
    third.force_login(stranger)
    assert third.get(f"/manufacturers/imports/{batch.pk}/").status_code == 404
    assert Client().get("/manufacturers/imports/").status_code == 302  # to the login


def test_upload_is_size_bounded_and_typed(coordinator: Client, settings: Any) -> None:
    settings.SHISAKU_IMPORT_UPLOAD_MB = 1
    r = upload(coordinator, b"name,country,region\n" + b"x" * (1024 * 1024 + 1))
    assert r.status_code == 400 and "1 MB" in r.content.decode()
    r = upload(coordinator, b"%PDF-1.4", name="pool.pdf")
    assert r.status_code == 400
    assert ImportBatch.objects.count() == 0


def test_discard_drops_the_stored_file(coordinator: Client) -> None:
    upload(coordinator, GOOD_SJIS.encode("shift_jis"))
    batch = ImportBatch.objects.get()
    assert batch.file
    coordinator.post(f"/manufacturers/imports/{batch.pk}/discard")
    batch.refresh_from_db()
    assert batch.status == "discarded" and not batch.file
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 400 and Manufacturer.objects.count() == 0


def test_a_batch_whose_stored_file_is_gone_is_a_clear_400(coordinator: Client) -> None:
    upload(coordinator, GOOD_SJIS.encode("shift_jis"))
    batch = ImportBatch.objects.get()
    batch.file.storage.delete(batch.file.name)
    r = coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    assert r.status_code == 400 and "upload it again" in r.content.decode()
    assert Manufacturer.objects.count() == 0


def test_a_loaded_pool_shows_in_the_next_directory_request(coordinator: Client) -> None:
    """The list and the API answer from an in-memory index: a coordinator's import must show
    in the very next request (text search, a facet, its count), in the list and the API."""
    before = coordinator.get("/api/v1/manufacturers?q=佐々木").json()
    assert before["count"] == 0  # (the index is built and held now)
    assert "株式会社佐々木製作所" not in coordinator.get("/manufacturers/?q=佐々木").content.decode()
    r = upload(coordinator, GOOD_SJIS.encode("shift_jis"))
    batch = ImportBatch.objects.get()
    coordinator.post(f"/manufacturers/imports/{batch.pk}/load", {"duplicates": "refuse"})
    after = coordinator.get("/api/v1/manufacturers?q=佐々木 製作所&process=cnc_milling").json()
    assert [m["name"] for m in after["results"]] == ["株式会社佐々木製作所"]
    page = coordinator.get("/manufacturers/?q=佐々木&country=JP").content.decode()
    assert "株式会社佐々木製作所" in page and r.status_code == 302
    process = {f["code"]: f["count"] for f in
               coordinator.get("/api/v1/manufacturers?country=JP").json()["facets"]["process"]}
    assert process == {"cnc_milling": 1, "cnc_turning": 1}
