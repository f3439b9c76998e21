"""`shisaku consortium REQUEST.json`: JSON plan on stdout, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shisaku.cli import main

FIRMS = [
    {"id": 1, "name": "Busan Mould", "country": "KR", "lat": 35.1, "lon": 129.0,
     "capabilities": [{"process": "injection_molding", "materials": ["abs"], "lead_time_days": 12}]},
    {"id": 2, "name": "Gimhae Assembly", "country": "KR", "lat": 35.2, "lon": 128.9,
     "capabilities": [{"process": "final_assembly", "lead_time_days": 4}]},
]


def test_plan_from_a_request_with_a_manufacturers_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "firms.json").write_text(json.dumps(FIRMS), encoding="utf-8")
    request = {
        "parts": [{"name": "case", "processes": ["injection_molding"], "materials": ["abs"]},
                  {"name": "kit", "processes": ["final_assembly"]}],
        "manufacturers_file": "firms.json",
    }
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    assert main(["consortium", str(path), "--json", "--time-limit", "5"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["status"] == "optimal"
    assert plan["lead"]["id"] == 2
    assert plan["members"]["housing"]["manufacturer"]["id"] == 1
    assert plan["members"]["integration"]["manufacturer"]["id"] == 2
    for key in ("objective", "terms", "alternatives", "solve_ms"):
        assert key in plan


def test_bad_request_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"packages": [{"id": "a", "processes": ["cnc_milling"]}],
                                "manufacturers": FIRMS, "weights": {"speed": 2}}),
                    encoding="utf-8")
    assert main(["consortium", str(path), "--json"]) == 2
    error = json.loads(capsys.readouterr().err.removeprefix("error: "))
    assert error["field"] == "weights"
    assert "cost" in error["valid"]
