"""Manufacturer pools in and out: encodings, formats, row-level errors, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shisaku.cli import main
from shisaku.directory.exporter import FLAT_COLUMNS
from shisaku.directory.models import Capability, Manufacturer

pytestmark = pytest.mark.django_db

HEADER = "name,name_local,country,region,city,stages,certifications,languages,accepts_foreign,process,materials,min_lot,max_lot,max_part_mm,lead_time_days"
ROWS_KO = [
    "Daehan Precision,대한정밀,KR,KR-47,구미,prototyping;dfm,iso_9001,ko;en,true,cnc_milling,aluminum_6061;pom,1,5000,600x400x300,10",
    "Daehan Precision,대한정밀,KR,KR-47,구미,prototyping;dfm,iso_9001,ko;en,true,surface_finishing,,1,5000,,5",
    "Hanul Mold,하늘금형,KR,KR-48,창원,dfm;mass_production,,ko,false,injection_molding,abs;pc,1000,500000,400x300x200,30",
]
ROWS_JA = [
    "Yamada Seisakusho,山田製作所,JP,JP-26,京都市,prototyping,iso_9001,ja,true,cnc_turning,brass,1,2000,,7",
]


def write(tmp_path: Path, name: str, lines: list[str], encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding, rows, local", [
    ("utf-8", ROWS_KO, "대한정밀"), ("cp949", ROWS_KO, "대한정밀"),
    ("shift_jis", ROWS_JA, "山田製作所"),
])
def test_csv_encodings_are_detected(tmp_path: Path, capsys: Any, encoding: str,
                                    rows: list[str], local: str) -> None:
    path = write(tmp_path, f"pool-{encoding}.csv", rows, encoding)
    assert main(["import", "manufacturers", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["encoding"] == encoding and report["errors"] == []
    assert Manufacturer.objects.filter(name_local=local).exists()


def test_rows_of_one_firm_become_one_profile_with_capabilities(tmp_path: Path) -> None:
    assert main(["import", "manufacturers", str(write(tmp_path, "p.csv", ROWS_KO, "utf-8"))]) == 0
    daehan = Manufacturer.objects.get(name="Daehan Precision")
    assert sorted(daehan.capabilities.values_list("process", flat=True)) == [
        "cnc_milling", "surface_finishing"]
    cap = daehan.capabilities.get(process="cnc_milling")
    assert cap.max_part_mm == [600.0, 400.0, 300.0] and cap.materials == ["aluminum_6061", "pom"]
    assert daehan.block == "KR-DAEGYEONG" and daehan.technologies == ["mechanism"]


def test_dry_run_reports_every_bad_row_and_changes_nothing(tmp_path: Path, capsys: Any,
                                                           pool: dict[str, Any]) -> None:
    before = (Manufacturer.objects.count(), Capability.objects.count())
    bad = [
        ROWS_KO[0],
        "Bad Lots,,KR,KR-41,,prototyping,,ko,true,cnc_milling,,500,10,,5",
        "Bad Code,,KR,KR-41,,prototyping,,ko,true,laser_welding,,1,10,,5",
        "Bad Region,,KR,JP-26,,prototyping,,ko,true,cnc_milling,,1,10,,5",
        "Bad Bool,,KR,KR-41,,prototyping,,ko,maybe,cnc_milling,,1,10,,5",
        "Bad Size,,KR,KR-41,,prototyping,,ko,true,cnc_milling,,1,10,12x-4,5",
        ROWS_KO[0],
    ]
    path = write(tmp_path, "bad.csv", bad, "utf-8")
    assert main(["import", "manufacturers", str(path), "--dry-run", "--json"]) == 2
    errors = {(e["line"], e["field"]) for e in json.loads(capsys.readouterr().out)["errors"]}
    assert (3, "capabilities[0].max_lot") in errors or any(
        line == 3 and "lot" in f for line, f in errors)
    assert any(line == 4 and "process" in f for line, f in errors)
    assert any(line == 5 and f in ("region", "country") for line, f in errors)
    assert (6, "accepts_foreign") in errors
    assert (7, "max_part_mm") in errors
    assert (8, "row") in errors  # the duplicate of line 2
    # A real run of the same file is refused whole.
    assert main(["import", "manufacturers", str(path)]) == 2
    assert (Manufacturer.objects.count(), Capability.objects.count()) == before


def test_unknown_columns_and_missing_file_are_clear(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,colour\nA,red\n")
    assert main(["import", "manufacturers", str(path)]) == 2
    assert "colour" in capsys.readouterr().err
    assert main(["import", "manufacturers", str(tmp_path / "none.csv")]) == 2
    (tmp_path / "pool.pdf").write_bytes(b"%PDF-1.4")
    assert main(["import", "manufacturers", str(tmp_path / "pool.pdf")]) == 2


def test_json_and_xlsx_round_trip(tmp_path: Path, pool: dict[str, Any]) -> None:
    out_json, out_xlsx = tmp_path / "all.json", tmp_path / "all.xlsx"
    assert main(["export", "manufacturers", "--out", str(out_json)]) == 0
    assert main(["export", "manufacturers", "--format", "xlsx", "--out", str(out_xlsx)]) == 0
    exported = json.loads(out_json.read_text())
    assert {"id", "slug", "name", "country", "region", "lat", "lon", "stages",
            "product_fields", "technologies", "certifications", "languages",
            "accepts_foreign", "capabilities", "reply_median_hours", "synthetic",
            "source"} <= set(exported[0])
    assert set(exported[0]["capabilities"][0]) >= {"process", "materials", "min_lot",
                                                   "max_lot", "max_part_mm", "lead_time_days"}
    snapshot = sorted((r["slug"], len(r["capabilities"])) for r in exported)
    Manufacturer.objects.all().delete()
    assert main(["import", "manufacturers", str(out_xlsx)]) == 0
    again = sorted((m.slug, m.capabilities.count()) for m in Manufacturer.objects.all())
    assert again == snapshot
    # Importing the JSON over it updates in place: nothing new is created.
    assert main(["import", "manufacturers", str(out_json)]) == 0
    assert Manufacturer.objects.count() == len(snapshot)


def test_export_csv_has_the_flat_columns(tmp_path: Path, pool: dict[str, Any]) -> None:
    out = tmp_path / "all.csv"
    assert main(["export", "manufacturers", "--format", "csv", "--out", str(out)]) == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert tuple(header) == FLAT_COLUMNS
