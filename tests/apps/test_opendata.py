"""Open data: `shisaku publish` writes CSV / JSON / GeoJSON / README / datapackage.json that
`frictionless validate` accepts; no contact field, private field or project appears; sources
carry their licence; the public page serves the same files; bad --out is exit 2."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from shisaku.cli import main
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturers_save
from tests.factories import capability, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(settings: Any, tmp_path: Any) -> list[Manufacturer]:
    settings.HOME = tmp_path
    manufacturers_save(records=[
        record("Hanbit Precision", "KR-41", slug="hanbit", source="Gyeonggi centre pool 2026",
               capabilities=[capability("cnc_milling", max_lot=5000)]),
        record("=HYPERLINK(\"http://x\")", "KR-47", slug="formula",
               capabilities=[capability("injection_molding")]),
        record("Seoul Fab Lab", "KR-11", slug="fablab", kind="maker_space",
               source="Internet of Production Alliance / fablabs.io (CC BY 4.0)",
               capabilities=[capability("fdm_printing")]),
    ])
    Manufacturer.objects.update(contact_email="sales@secret-contact.example",
                                contact_phone="+82-10-5555-0199")
    return list(Manufacturer.objects.order_by("id"))


def _publish(out: Path, capsys: Any) -> dict[str, Any]:
    assert main(["publish", "--out", str(out), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_publish_writes_a_valid_data_package(firms: Any, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "open"
    summary = _publish(out, capsys)
    assert summary["manufacturers"] == 3 and summary["capabilities"] == 3
    assert set(summary["files"]) == {"manufacturers.csv", "capabilities.csv",
                                     "manufacturers.json", "manufacturers.geojson",
                                     "datapackage.json", "README.md"}
    from frictionless import Package

    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    cli = shutil.which("frictionless") or str(Path(__import__("sys").executable).parent /
                                               "frictionless")
    proc = subprocess.run([cli, "validate", str(out / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with (out / "manufacturers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {str(m.public_id) for m in firms}
    assert {r["public_id"] for r in rows} == ids
    formula = next(r for r in rows if r["slug"] == "formula")
    assert formula["name"].startswith("'=")  # neutralised for spreadsheets
    package = json.loads((out / "datapackage.json").read_text())
    licences = {s["title"]: s["licence"] for s in package["sources"]}
    assert licences["Internet of Production Alliance / fablabs.io"] == "CC-BY-4.0"
    assert "Gyeonggi centre pool 2026" in licences
    geo = json.loads((out / "manufacturers.geojson").read_text())
    assert {f["id"] for f in geo["features"]} == ids


def test_no_contact_private_field_or_project_is_published(firms: Any, tmp_path: Path,
                                                          capsys: Any) -> None:
    from tests.apps.test_rfq_support import make_world

    world = make_world()
    world.project.title = "Secret stealth product X9"
    world.project.save(update_fields=["title"])
    out = tmp_path / "open"
    _publish(out, capsys)
    text = "\n".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for secret in ("secret-contact.example", "5555-0199", "contact_email", "contact_phone",
                   "search_text", "Secret stealth", "maker-alpha", "price_level"):
        assert secret not in text, secret


def test_the_public_page_serves_the_same_snapshot(firms: Any, settings: Any) -> None:
    client = Client()
    page = client.get("/manufacturers/open-data/")
    assert page.status_code == 200 and b"datapackage.json" in page.content
    package = client.get("/manufacturers/open-data/datapackage.json")
    assert package.status_code == 200 and package["Content-Disposition"].startswith(
        "attachment")
    body = b"".join(package.streaming_content)
    assert json.loads(body)["name"] == "shisaku-directory"
    assert client.get("/manufacturers/open-data/..%2Fsettings.py").status_code == 404
    assert client.get("/manufacturers/open-data/shisaku.sqlite3").status_code == 404


def test_publish_refuses_a_file_as_the_folder(firms: Any, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    assert main(["publish", "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err
