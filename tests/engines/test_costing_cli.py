"""`shisaku estimate FILE --json` and the engine function behind it: the JSON of
ARCHITECTURE.md, agreement between plan and estimates, and bad input."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from shisaku.commands import estimate as command
from shisaku.engines.costing import estimate_file
from shisaku.engines.costing.plan import material_family
from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    assert command.run(parser.parse_args(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_json_has_the_architecture_keys(capsys: pytest.CaptureFixture[str]) -> None:
    out = run([str(PARTS / "idler_riser.STL"), "--qty", "1,100,1000", "--json"], capsys)
    assert {"geometry", "dfm", "estimates", "plan"} <= set(out)
    g = out["geometry"]
    assert {"volume_mm3", "area_mm2", "bbox_mm", "bodies", "watertight", "units_assumed"} <= set(g)
    assert g["units_assumed"] == "inch"
    for f in out["dfm"]:
        assert {"check", "severity", "message"} <= set(f)
    keys = {"process", "material", "region", "quantity", "unit_cost", "tooling_cost", "total_cost",
            "currency", "lead_time_days", "breakdown", "assumptions"}
    assert out["estimates"] and all(keys <= set(e) for e in out["estimates"])
    assert {e["quantity"] for e in out["estimates"]} == {1, 100, 1000}
    # the home region's estimates, plus those of the other regions the plan chooses
    assert all(e["currency"] == "USD" and (e["region"] == "KR" or e["in_plan"])
               for e in out["estimates"])
    planned = {(r["process"], r["region"], r["quantity"]) for r in out["plan"]}
    assert planned <= {(e["process"], e["region"], e["quantity"]) for e in out["estimates"]}
    assert [r["quantity"] for r in out["plan"]] == [1, 100, 1000]
    for row in out["plan"]:
        assert {"quantity", "process", "region", "unit_cost"} <= set(row)


def test_cli_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plot = tmp_path / "plot.svg"
    out = run([str(PARTS / "angle_block.STL"), "--units", "inch", "--process", "cnc_milling",
               "--process", "injection_molding", "--material", "pom", "--qty", "10,5000",
               "--client-country", "JP", "--target", "5", "--plot", str(plot), "--json"], capsys)
    assert {e["process"] for e in out["estimates"]} == {"cnc_milling", "injection_molding"}
    assert {e["material"] for e in out["estimates"]} == {"pom"}
    assert {e["region"] for e in out["estimates"] if not e["in_plan"]} == {"JP"}
    assert len(out["target"]) == 2
    assert plot.read_text().startswith("<svg")
    assert "plot_svg" not in out


def test_plan_agrees_with_the_estimates() -> None:
    out = estimate_file(PARTS / "plate_holes.STL", quantities=[1, 300, 30000], region="CN",
                        client_country="KR", include_plot=True)
    listed = {(e["process"], e["quantity"]): e for e in out["estimates"]}
    for row in out["plan"]:
        if row["region"] == "CN":
            assert listed[(row["process"], row["quantity"])]["unit_cost"] == row["unit_cost"]
        family = out["plan_basis"]["params"]["family"]
        assert material_family(row["material"]) == family
        if not row["on_time"]:
            continue  # nothing is on time: the plan took the fastest option
        sensible = [e["unit_cost"] for e in out["estimates"]
                    if e["quantity"] == row["quantity"] and e["sensible"]
                    and material_family(e["material"]) == family
                    and e["lead_time_days"] <= out["max_lead_days"]]
        assert row["unit_cost"] <= min(sensible)  # the plan may pick another region
    assert out["engine"]["currency"] == "USD" and out["engine"]["parameters_version"]
    assert len(out["engine"]["parameters_sha256"]) == 64
    assert out["plot_svg"].startswith("<svg")
    json.dumps(out)


def test_bad_input_is_reported_as_input_errors(tmp_path: Path) -> None:
    part = PARTS / "plate_holes.STL"
    with pytest.raises(UnknownCodeError):
        estimate_file(part, processes=["nope"])
    with pytest.raises(InputError) as err:
        estimate_file(part, processes=["welding"])
    assert err.value.field == "process" and "cnc_milling" in err.value.valid
    with pytest.raises(InputError):
        estimate_file(part, processes=["fdm_printing"], material="titanium")
    with pytest.raises(InputError):
        estimate_file(part, region="US")
    with pytest.raises(InputError):
        estimate_file(part, client_country="ZZ")
    with pytest.raises(InputError):
        estimate_file(part, quantities=[0])
    bad = tmp_path / "bad.stl"
    bad.write_text("garbage")
    with pytest.raises(InputError) as err:
        estimate_file(bad)
    assert err.value.field == "file"
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    with pytest.raises(InputError):
        command.run(parser.parse_args([str(part), "--qty", "1,x"]))


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from shisaku import cli

    part = str(PARTS / "plate_holes.STL")
    assert cli.main(["estimate", part, "--process", "welding", "--json"]) == 2
    err = capsys.readouterr().err
    assert '"field": "process"' in err and "cnc_milling" in err
    assert cli.main(["estimate", part, "--process", "no_such_process", "--json"]) == 2
    empty = tmp_path / "empty.stl"
    empty.write_bytes(b"")
    assert cli.main(["estimate", str(empty), "--json"]) == 2
    assert '"field": "file"' in capsys.readouterr().err
    assert cli.main(["estimate", part, "--qty", "5", "--process", "cnc_milling"]) == 0
    assert "cnc_milling" in capsys.readouterr().out


def test_estimate_file_accepts_uploaded_bytes() -> None:
    data = (PARTS / "angle_block.STL").read_bytes()
    out = estimate_file(data, filename="upload.stl", processes=["cnc_milling"], quantities=[1, 50])
    assert out["geometry"]["units_assumed"] == "inch"
    assert out["geometry"]["bbox_mm"] == pytest.approx([34.0, 25.4, 34.34], abs=0.01)
    assert [r["quantity"] for r in out["plan"]] == [1, 50]
