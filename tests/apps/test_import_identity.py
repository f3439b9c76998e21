"""Imports never lose or merge firms, and a dry run's "would load" is a promise the load keeps.

Issue #11 "Data loss on import" and "Import crashes after validation"; issue #12 "Imports
from real pools": identity, slugs, database constraints, encodings, blank rows, NFC, private
contact columns.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from shisaku.cli import main
from shisaku.directory.exporter import FLAT_COLUMNS
from shisaku.directory.import_checks import normalised_name, slug_base
from shisaku.directory.models import ImportBatch, Manufacturer

pytestmark = pytest.mark.django_db

HEADER = "name,name_local,country,region,city,process,min_lot,max_lot"


def csv_file(tmp_path: Path, lines: list[str], *, name: str = "pool.csv",
             header: str = HEADER, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path = tmp_path / name
    path.write_bytes((newline.join([header, *lines]) + newline).encode(encoding))
    return path


def run_json(capsys: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["import", "manufacturers", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


# -- identity and slugs -------------------------------------------------------------------------
def test_firms_differing_only_in_hangul_stay_two_firms(tmp_path: Path, capsys: Any) -> None:
    """The issue's example: same Latin prefix, same region, different Hangul."""
    first = csv_file(tmp_path, ["SPCOL 한빛정밀,,KR,KR-47,구미,cnc_milling,1,100"], name="a.csv")
    second = csv_file(tmp_path, ["SPCOL 대한금형,,KR,KR-47,구미,mold_making,1,100"], name="b.csv")
    assert run_json(capsys, str(first))[1]["created"] == 1
    code, report = run_json(capsys, str(second))
    assert code == 0 and (report["created"], report["updated"]) == (1, 0)
    firms = {m.name: m for m in Manufacturer.objects.all()}
    assert set(firms) == {"SPCOL 한빛정밀", "SPCOL 대한금형"}
    assert firms["SPCOL 한빛정밀"].capabilities.get().process == "cnc_milling"
    # Meaningful ASCII slugs (they work in any URL), different for the two firms.
    assert firms["SPCOL 한빛정밀"].slug == "spcol-hanbichjeongmil-kr-47"
    assert firms["SPCOL 대한금형"].slug == "spcol-daehangeumhyeong-kr-47"


def test_same_name_in_kanji_gets_a_disambiguator_not_a_merge(tmp_path: Path,
                                                               capsys: Any) -> None:
    """Our own example: two firms named alike in different regions, then a third in kanji
    whose transliteration collides; slugs stay unique and no firm is overwritten."""
    path = csv_file(tmp_path, ["山田製作所,,JP,JP-26,京都市,cnc_turning,1,100",
                               "山田製作所,,JP,JP-13,東京,cnc_milling,1,100"])
    assert run_json(capsys, str(path))[0] == 0
    assert Manufacturer.objects.count() == 2
    assert len(set(Manufacturer.objects.values_list("slug", flat=True))) == 2
    assert slug_base("山田製作所", "JP-26").endswith("-jp-26")
    taken = slug_base("ShanTianZhiZuoSuo", "JP-26")
    assert taken == slug_base("山田製作所", "JP-26")
    other = csv_file(tmp_path, ["ShanTianZhiZuoSuo,,JP,JP-26,,cnc_milling,1,10"],
                     name="c.csv")
    assert run_json(capsys, str(other))[0] == 0
    slugs = set(Manufacturer.objects.values_list("slug", flat=True))
    assert {taken, f"{taken}-2"} <= slugs and Manufacturer.objects.count() == 3


def test_probable_duplicates_are_listed_and_refused_unless_confirmed(tmp_path: Path,
                                                                     capsys: Any) -> None:
    csv_file(tmp_path, ["（株）山田製作所,,JP,JP-26,京都市,cnc_turning,1,100"], name="a.csv")
    assert run_json(capsys, str(tmp_path / "a.csv"))[0] == 0
    again = csv_file(tmp_path, ["山田製作所 株式会社,,JP,JP-26,京都,cnc_milling,1,50"],
                     name="b.csv")
    code, report = run_json(capsys, str(again), "--dry-run")
    assert code == 2
    [dup] = report["duplicates"]
    assert dup["line"] == 2 and dup["matches"][0]["name"] == "（株）山田製作所"
    code, report = run_json(capsys, str(again))
    assert code == 2 and report["created"] == 0 and Manufacturer.objects.count() == 1
    # Confirmed as the same firm: updated in place.
    code, report = run_json(capsys, str(again), "--duplicates", "update")
    assert code == 0 and (report["created"], report["updated"]) == (0, 1)
    firm = Manufacturer.objects.get()
    assert firm.name == "山田製作所 株式会社" and firm.capabilities.get().process == "cnc_milling"
    # Confirmed as a different firm: created beside it.
    code, report = run_json(capsys, str(again), "--duplicates", "create")
    assert code == 0 and report["created"] == 1 and Manufacturer.objects.count() == 2


def test_registration_number_is_an_identity(tmp_path: Path, capsys: Any) -> None:
    header = "name,country,region,registration_number,contact_email"
    path = csv_file(tmp_path, ["Hanbit Precision,KR,KR-47,120-81-47521,sales@hanbit.example"],
                    header=header)
    assert run_json(capsys, str(path))[0] == 0
    firm = Manufacturer.objects.get()
    assert firm.registration_number == "1208147521"
    renamed = csv_file(tmp_path, ["Hanbit Precision Co,KR,KR-41,1208147521,"],
                       header=header, name="r.csv")
    code, report = run_json(capsys, str(renamed))
    assert code == 0 and (report["created"], report["updated"]) == (0, 1)
    firm.refresh_from_db()
    assert (firm.name, firm.region) == ("Hanbit Precision Co", "KR-41")
    bad = csv_file(tmp_path, ["Other,KR,KR-47,120-81-475,"], header=header, name="x.csv")
    code, report = run_json(capsys, str(bad), "--dry-run")
    assert code == 2 and report["errors"][0]["field"] == "registration_number"


def test_update_by_slug_keeps_columns_the_file_does_not_have(tmp_path: Path,
                                                             capsys: Any) -> None:
    header = "slug,name,country,region,contact_email,contact_phone,process"
    path = csv_file(tmp_path, ["hanbit,Hanbit,KR,KR-47,a@hanbit.example,054-123-4567,cnc_milling"],
                    header=header)
    assert run_json(capsys, str(path))[0] == 0
    narrower = csv_file(tmp_path, ["hanbit,Hanbit Precision,KR,KR-47"],
                        header="slug,name,country,region", name="n.csv")
    code, report = run_json(capsys, str(narrower))
    assert code == 0 and report["updated"] == 1
    firm = Manufacturer.objects.get(slug="hanbit")
    assert firm.name == "Hanbit Precision"
    assert (firm.contact_email, firm.contact_phone) == ("a@hanbit.example", "054-123-4567")
    assert firm.capabilities.get().process == "cnc_milling"


def test_contact_columns_are_imported_and_never_exported(tmp_path: Path, capsys: Any) -> None:
    header = "name,country,region,contact_email,contact_phone"
    path = csv_file(tmp_path, ["Hanbit,KR,KR-47,private@hanbit.example,+82 54 123 4567"],
                    header=header)
    assert run_json(capsys, str(path))[0] == 0
    firm = Manufacturer.objects.get()
    assert firm.contact_email == "private@hanbit.example"
    for fmt in ("json", "csv"):
        out = tmp_path / f"all.{fmt}"
        assert main(["export", "manufacturers", "--format", fmt, "--out", str(out)]) == 0
        text = out.read_text(encoding="utf-8-sig")
        assert "private@hanbit.example" not in text and "4567" not in text
    assert "contact_email" not in FLAT_COLUMNS


def test_normalised_names_for_duplicates() -> None:
    assert normalised_name("（株）山田製作所") == normalised_name("山田製作所 株式会社")
    assert normalised_name("㈜대한정밀") == normalised_name("대한정밀 주식회사")
    assert normalised_name("SPCOL 한빛정밀") != normalised_name("SPCOL 대한금형")


# -- the dry run applies every database constraint ------------------------------------------
@pytest.mark.parametrize("header, row, field", [
    ("name,country,region", "{long},KR,KR-47", "name"),
    ("name,country,region,employees", "Big,KR,KR-47,99999999999", "employees"),
    ("name,country,region,founded", "Old,KR,KR-47,40000", "founded"),
    ("name,country,region,city", "Nul,KR,KR-47,Gu\x00mi", "city"),
    ("name,country,region,contact_email", "Mail,KR,KR-47,not-an-address", "contact_email"),
    ("name,country,region,contact_phone", "Phone,KR,KR-47,{phone}", "contact_phone"),
    ("name,country,region,process,max_lot", "Lots,KR,KR-47,cnc_milling,3000000000",
     "capabilities[0].max_lot"),
    ("name,country,region,website", "Web,KR,KR-47,https://exa mple.com", "website"),
])
def test_values_the_database_refuses_fail_the_dry_run(tmp_path: Path, capsys: Any,
                                                     header: str, row: str,
                                                     field: str) -> None:
    row = row.format(long="N" * 201, phone="1" * 41)
    path = csv_file(tmp_path, [row], header=header)
    code, report = run_json(capsys, str(path), "--dry-run")
    assert code == 2, report
    assert any(e["line"] == 2 and e["field"] == field for e in report["errors"]), report
    # The real run refuses the same file cleanly (exit 2, no traceback, nothing stored).
    code, report = run_json(capsys, str(path))
    assert code == 2 and Manufacturer.objects.count() == 0


def test_json_nul_bytes_and_lone_surrogates_are_row_errors(tmp_path: Path,
                                                           capsys: Any) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"name": "A\\u0000", "country": "KR", "region": "KR-47"},'
                    ' {"name": "B", "country": "KR", "region": "KR-47",'
                    '  "description": {"en": "x\\ud800"}}]', encoding="utf-8")
    code, report = run_json(capsys, str(path))
    assert code == 2
    assert {(e["line"], e["field"]) for e in report["errors"]} >= {(1, "name"),
                                                                   (2, "description.en")}


# -- encodings, blank rows, NFC ---------------------------------------------------------------
def test_short_shift_jis_file_is_not_read_as_cp949(tmp_path: Path, capsys: Any) -> None:
    """The issue's example: two names, no kana to speak of in the second."""
    path = csv_file(tmp_path, ["株式会社佐々木製作所,,JP,JP-26,,cnc_milling,1,10",
                               "（株）山田製作所,,JP,JP-27,,cnc_turning,1,10"],
                    encoding="shift_jis")
    code, report = run_json(capsys, str(path), "--dry-run")
    assert code == 0 and report["encoding"] == "shift_jis"
    assert [s["name"] for s in report["sample"]] == ["株式会社佐々木製作所", "（株）山田製作所"]


def test_cp949_korean_file_is_not_read_as_shift_jis(tmp_path: Path, capsys: Any) -> None:
    path = csv_file(tmp_path, ["대한정밀,,KR,KR-47,구미,cnc_milling,1,10",
                               "(주)하늘금형,,KR,KR-48,창원,mold_making,1,10"],
                    encoding="cp949")
    code, report = run_json(capsys, str(path), "--dry-run")
    assert code == 0 and report["encoding"] == "cp949"
    assert report["sample"][1]["name"] == "(주)하늘금형"
    # The override stays: a user who knows better says so.
    code, report = run_json(capsys, str(path), "--dry-run", "--encoding", "cp949")
    assert code == 0 and report["encoding"] == "cp949"


def test_trailing_rows_of_bare_commas_are_skipped(tmp_path: Path, capsys: Any) -> None:
    path = csv_file(tmp_path, ["Daehan,,KR,KR-47,,cnc_milling,1,10", ",,,,,,,", ",,,,,,,",
                               ",,,,,,,,,"])
    code, report = run_json(capsys, str(path))
    assert code == 0 and report["created"] == 1 and report["rows"] == 1
    # A blank row in the middle too (our own case), with LF line ends.
    path = csv_file(tmp_path, ["Hanul,,KR,KR-48,,mold_making,1,10", ",,,,,,,",
                               "Busan,,KR,KR-26,,welding,1,10"], name="m.csv", newline="\n")
    code, report = run_json(capsys, str(path))
    assert code == 0 and report["created"] == 2


def test_decomposed_hangul_is_stored_composed_and_found(tmp_path: Path, capsys: Any,
                                                        client: Any) -> None:
    nfd = unicodedata.normalize("NFD", "한빛정밀")
    assert nfd != "한빛정밀"
    path = csv_file(tmp_path, [f"{nfd},{nfd},KR,KR-47,구미,cnc_milling,1,10"])
    assert run_json(capsys, str(path))[0] == 0
    firm = Manufacturer.objects.get()
    assert firm.name == "한빛정밀" and firm.name_local == "한빛정밀"
    page = client.get("/manufacturers/", {"q": "한빛"})
    assert "한빛정밀" in page.content.decode()


def test_cli_load_is_kept_as_a_batch_with_its_source(tmp_path: Path, capsys: Any) -> None:
    path = csv_file(tmp_path, ["Daehan,,KR,KR-47,,cnc_milling,1,10",
                               "Hanul,,KR,KR-48,,mold_making,1,10"])
    code, report = run_json(capsys, str(path), "--source", "Gyeongbuk TP companion pool 2026")
    assert code == 0
    batch = ImportBatch.objects.get(pk=report["batch"])
    assert (batch.status, batch.created_count, batch.file_name) == ("loaded", 2, "pool.csv")
    assert batch.source == "Gyeongbuk TP companion pool 2026" and len(batch.sha256) == 64
    assert set(batch.manufacturers.values_list("name", flat=True)) == {"Daehan", "Hanul"}
    assert set(Manufacturer.objects.values_list("source", flat=True)) == {
        "Gyeongbuk TP companion pool 2026"}
    # A dry run changes nothing, not even the batch list.
    assert run_json(capsys, str(path), "--dry-run")[0] == 2  # now duplicates of the stored
    assert ImportBatch.objects.count() == 1
