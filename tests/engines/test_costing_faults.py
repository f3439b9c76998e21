"""The faults of issue #13, each a kind: the issue's input plus one of ours per fault."""

from __future__ import annotations

import json
import tempfile
from typing import Any

import numpy as np
import pytest
import trimesh

from shisaku.engines import costing, geometry
from shisaku.engines.costing import PartFacts, default_parameters, estimate_process
from shisaku.engines.costing.plan import material_family
from shisaku.engines.geometry import load_part

P = default_parameters()


def _box(x: float, y: float, z: float, at: tuple[float, float, float] = (0, 0, 0)) -> Any:
    b = trimesh.creation.box(extents=[x, y, z])
    b.apply_translation(np.asarray(at) + np.array([x, y, z]) / 2)
    return b


def _minus(a: Any, *cuts: Any) -> Any:
    return trimesh.boolean.difference([a, *cuts], engine="manifold")


def _union(*parts: Any) -> Any:
    return trimesh.boolean.union(list(parts), engine="manifold")


def _stl(mesh: Any) -> bytes:
    return mesh.export(file_type="stl")


def _analyse(mesh: Any) -> dict[str, Any]:
    return geometry.analyse(load_part(_stl(mesh), filename="p.stl", units="mm"))


def _open_box(x: float = 100, y: float = 60, z: float = 40, wall: float = 2.5) -> Any:
    return _minus(_box(x, y, z), _box(x - 2 * wall, y - 2 * wall, z, (wall, wall, wall)))


def _side_hole(box: Any, y: float, z: float, d: float = 10, at_x: float = 0) -> Any:
    hole = trimesh.creation.cylinder(radius=d / 2, height=20, sections=32)
    hole.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    hole.apply_translation([at_x, y, z])
    return _minus(box, hole)


# --- moulds and side actions: one analysis for the finding and the price --------------------


def _mould_estimate(g: dict[str, Any]) -> Any:
    return estimate_process(P, PartFacts.from_geometry(g), "injection_molding", region="CN",
                            quantity=10_000, client_country="KR")


@pytest.mark.parametrize("holes, actions", [(1, 1), (2, 2)])
def test_side_holes_reach_the_mould_price(holes: int, actions: int) -> None:
    """Issue: an open box with a Ø10 side hole got 'needs 1 side action', priced with 0.
    Ours: holes in two opposite walls need two slides."""
    plain = _open_box()
    part = _side_hole(plain, 30, 20)
    if holes == 2:
        part = _side_hole(part, 30, 20, at_x=100)
    g, g0 = _analyse(part), _analyse(plain)
    rules = {"injection_molding": {"min_wall_mm": 0.8, "envelope_mm": None}}
    finding = next(f for f in geometry.dfm_findings(g, rules) if f["check"] == "undercuts")
    assert finding["params"]["side_actions"] == actions
    e, e0 = _mould_estimate(g), _mould_estimate(g0)
    assert e.details["side_actions"] == actions == g["moulding"]["side_actions"]
    assert e.tooling_cost > e0.tooling_cost * 1.2  # slides are priced (65 h each)


# --- bends ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, bends", [("plate", 0), ("l_bracket", 1), ("open_box", 4),
                                          ("u_channel", 2)])
def test_bends_are_counted(name: str, bends: int) -> None:
    """Issue: a flat plate reported 1 bend, an L-bracket 2, an open box 5 (true 0, 1, 4)."""
    t = 2.0
    shapes = {
        "plate": lambda: _box(120, 80, t),
        "l_bracket": lambda: _union(_box(80, 60, t), _box(t, 60, 50)),
        "open_box": lambda: _open_box(120, 80, 40, t),
        "u_channel": lambda: _union(_box(100, 60, t), _box(t, 60, 30),
                                    _box(t, 60, 30, (100 - t, 0, 0))),
    }
    g = _analyse(shapes[name]())
    assert g["sheet_metal"]["bends"] == bends
    e = estimate_process(P, PartFacts.from_geometry(g), "sheet_metal", region="KR",
                         quantity=100, client_country="KR")
    sheet = next(a for a in e.assumptions if a["code"] == "sheet_metal")
    assert sheet["params"]["bends"] == bends


# --- thin local features ---------------------------------------------------------------------


@pytest.mark.parametrize("fin_mm", [0.5, 0.6])
def test_thin_fin_under_five_percent_of_the_area_is_found(fin_mm: float) -> None:
    """Issue: a 0.5 mm fin covering < 5 % of the area got no thin-wall finding."""
    part = _union(_box(60, 40, 6), _box(fin_mm, 12, 8, (30, 14, 6)))
    g = _analyse(part)
    fin_area = 2 * 12 * 8
    assert fin_area / g["area_mm2"] < 0.05
    rules = {"fdm_printing": {"min_wall_mm": 0.8, "envelope_mm": None}}
    found = [f for f in geometry.dfm_findings(g, rules) if f["check"] == "thin_features"]
    assert found and found[0]["process"] == "fdm_printing"
    assert found[0]["params"]["wall_mm"] == pytest.approx(fin_mm, abs=0.05)
    assert g["highlights"]["thin"]  # and the preview can show where


# --- CNC: deep pockets and sharp internal corners; findings belong to their processes ---------


def _pocketed(depth: float, width: float = 10.0, round_corners: bool = False) -> Any:
    block = _box(40, 40, depth + 5)
    if round_corners:
        cut = trimesh.creation.cylinder(radius=width / 2, height=depth + 1, sections=48)
        cut.apply_translation([20, 20, 5 + (depth + 1) / 2])
    else:
        cut = _box(width, width, depth + 1, (20 - width / 2, 20 - width / 2, 5))
    return _minus(block, cut)


def test_four_to_one_pocket_with_sharp_corners_is_found_and_priced() -> None:
    """Issue: a 4:1 pocket with zero corner radius got no finding and no cost effect."""
    deep, shallow = _analyse(_pocketed(40)), _analyse(_pocketed(10))
    rules = {"cnc_milling": {"min_wall_mm": 0.8, "envelope_mm": None}}
    out = costing.estimate_geometry(deep, processes=["cnc_milling"], quantities=[10])
    checks = {f["check"] for f in out["dfm"]}
    assert {"deep_pockets", "sharp_internal_corners"} <= checks
    pocket = next(f for f in out["dfm"] if f["check"] == "deep_pockets")
    assert pocket["params"]["ratio"] >= 4 and pocket["params"]["extra_h"] > 0
    corners = next(f for f in out["dfm"] if f["check"] == "sharp_internal_corners")
    assert corners["params"]["count"] == 4
    assert "deep_pockets" not in {f["check"] for f in geometry.dfm_findings(shallow, rules)}
    e = estimate_process(P, PartFacts.from_geometry(deep), "cnc_milling", region="KR",
                         quantity=10, client_country="KR")
    assert e.details["deep_pocket_extra_h"] > 0 and e.details["sharp_corner_extra_h"] > 0


def test_round_pocket_has_no_sharp_corner_finding() -> None:
    g = _analyse(_pocketed(10, width=12, round_corners=True))
    rules = {"cnc_milling": {"min_wall_mm": 0.8, "envelope_mm": None}}
    assert "sharp_internal_corners" not in {f["check"] for f in geometry.dfm_findings(g, rules)}


def test_machining_gets_no_draft_findings_moulding_does() -> None:
    """Issue: a machined part got 'missing draft' findings that only apply to moulding."""
    g = _analyse(_open_box())
    milled = costing.estimate_geometry(g, processes=["cnc_milling"], quantities=[10])
    assert not {"missing_draft", "undercuts", "thick_sections"} & {f["check"] for f in milled["dfm"]}
    moulded = costing.estimate_geometry(g, processes=["injection_molding"], quantities=[1000])
    draft = [f for f in moulded["dfm"] if f["check"] == "missing_draft"]
    assert draft and draft[0]["processes"] == ["injection_molding"]
    printed = costing.estimate_geometry(g, processes=["sla_printing"], quantities=[10])
    assert all(f.get("process") in (None, "sla_printing") for f in printed["dfm"])


# --- powder bed priced like bureaus -----------------------------------------------------------


@pytest.mark.parametrize("process", ["sls_printing", "mjf_printing"])
def test_powder_bed_solid_parts_are_priced_by_their_bounding_box(process: str) -> None:
    """Issue: solid SLS/MJF parts cost 2–4x bureau prices (priced as if packed by volume).
    A solid 40 mm cube and a 2 mm shell of it take the same bounding box in the build."""
    solid = PartFacts.box(40, 40, 40)
    shell = PartFacts.box(40, 40, 40, wall=2)
    a = estimate_process(P, solid, process, region="KR", quantity=10, client_country="KR")
    b = estimate_process(P, shell, process, region="KR", quantity=10, client_country="KR")
    assert a.breakdown["machine"] == pytest.approx(b.breakdown["machine"])
    assert a.unit_cost / b.unit_cost < 1.6


# --- learning curve ---------------------------------------------------------------------------


@pytest.mark.parametrize("process", ["cnc_milling", "sheet_metal"])
def test_machine_time_per_part_falls_with_quantity(process: str) -> None:
    """Issue: machine time per part was identical from 1 to 10,000 pieces."""
    facts = PartFacts.from_geometry(_analyse(_box(120, 80, 2))) if process == "sheet_metal" \
        else PartFacts.box(50, 30, 20)
    one, ten, many = (estimate_process(P, facts, process, region="KR", quantity=q,
                                       client_country="KR") for q in (1, 10, 10_000))
    assert one.breakdown["machine"] == ten.breakdown["machine"]
    assert many.breakdown["machine"] < 0.8 * ten.breakdown["machine"]
    learning = next(a for a in many.assumptions if a["code"] == "learning_curve")
    assert "Wright" in learning["params"]["source"]


# --- die casting -----------------------------------------------------------------------------


def test_die_casting_is_costed(capsys: Any) -> None:
    """Issue: `--process die_casting` exited 2."""
    from shisaku.cli import main

    data = _stl(_open_box(80, 50, 30, 2.5))
    with tempfile.NamedTemporaryFile(suffix=".stl") as fh:
        fh.write(data)
        fh.flush()
        assert main(["estimate", fh.name, "--process", "die_casting", "--qty", "1000,20000",
                     "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = [e for e in out["estimates"] if e["process"] == "die_casting"]
    assert rows and all(e["material"] == "aluminum_adc12" for e in rows)
    facts = PartFacts.from_geometry(out["geometry"])
    mould = estimate_process(P, facts, "injection_molding", region="CN", quantity=1000,
                             client_country="KR")
    die = estimate_process(P, facts, "die_casting", region="CN", quantity=1000,
                           client_country="KR")
    assert die.tooling_cost > 1.3 * mould.tooling_cost  # a hardened die costs more
    assert rows[0]["unit_cost"] > rows[-1]["unit_cost"]
    zinc = estimate_process(P, PartFacts.box(30, 20, 10, wall=1.5), "die_casting",
                            material="zinc_zamak3", region="CN", quantity=5000,
                            client_country="KR")
    assert zinc.sensible and zinc.breakdown["material"] > 0


# --- regional rates against their own sources ------------------------------------------------


def test_regional_labour_rates_match_their_sources() -> None:
    """Issue: the Vietnamese rate was 1.5–1.75x what its own cited source gives."""
    vn = P.num("regions", "VN", "labour_usd_h")
    assert vn == pytest.approx(8.5e6 / 200 / 25_000 * 1.25, rel=0.1)  # GSO figures in the source
    cn = P.num("regions", "CN", "labour_usd_h")
    assert cn == pytest.approx(100_000 / 2100 / (7.4326 / 1.1172) * 1.35, rel=0.1)
    press_100t = P.num("processes", "injection_molding", "press_capital_usd_h_base") + 100 * \
        P.num("processes", "injection_molding", "press_capital_usd_h_per_t")
    assert 25 <= press_100t <= 60  # published machine-hour bands, before the operator


# --- sourcing plan --------------------------------------------------------------------------


def test_plan_keeps_a_plastic_housing_plastic_and_says_so() -> None:
    """Issue: mild-steel sheet for a plastic housing; ABS moulding for a steel tray."""
    g = _analyse(_open_box(150, 100, 40, 2.5))
    out = costing.estimate_geometry(g, quantities=[1, 10, 100, 1000, 10_000])
    families = {material_family(r["material"]) for r in out["plan"] if r["process"]}
    assert len(families) == 1
    assert out["plan_basis"]["code"] == "plan_family"
    steel = costing.estimate_geometry(g, material="mild_steel", quantities=[10, 1000])
    assert {r["material"] for r in steel["plan"]} == {"mild_steel"}
    assert steel["plan_basis"]["params"]["material"] == "mild_steel"


def test_plan_respects_lead_time_and_shows_every_chosen_region() -> None:
    """Issue: a CNC bracket planned for Vietnam with a 1,754-day lead time; the breakdown
    showed only the home region's numbers."""
    g = _analyse(_box(60, 40, 20))
    out = costing.estimate_geometry(g, processes=["cnc_milling"], material="aluminum_6061",
                                    quantities=[10, 10_000], region="KR")
    for row in out["plan"]:
        assert row["lead_time_days"] is not None
        assert row["on_time"] is (row["lead_time_days"] <= 60)
        listed = [e for e in out["estimates"] if (e["process"], e["region"], e["quantity"]) ==
                  (row["process"], row["region"], row["quantity"])]
        assert listed and listed[0]["in_plan"]
    tight = costing.estimate_geometry(g, processes=["cnc_milling"], material="aluminum_6061",
                                      quantities=[10], max_lead_days=10)
    assert tight["plan"][0]["lead_time_days"] <= 10


def test_no_row_prints_none() -> None:
    """Issue: the 10-piece row printed 'None | None'. A quantity no process makes has a reason."""
    g = _analyse(_box(60, 40, 20))
    out = costing.estimate_geometry(g, processes=["injection_molding"], quantities=[10, 1000])
    empty = out["plan"][0]
    assert empty["process"] is None and empty["reason"]["code"] == "no_sensible_process"
    assert out["plan"][1]["process"] == "injection_molding"


@pytest.mark.parametrize("currency, amount", [("KRW", 30_000), ("JPY", 3_000)])
def test_target_in_krw_or_jpy_is_converted_with_dated_rates(currency: str, amount: int) -> None:
    """Issue: a project's target cost in KRW or JPY was ignored."""
    g = _analyse(_box(60, 40, 20))
    out = costing.estimate_geometry(g, processes=["cnc_milling"], quantities=[10],
                                    target_unit_cost=amount, target_currency=currency)
    rate = out["target_rate"]
    assert rate["currency"] == currency and rate["as_of"] == "2026-10-30"
    assert out["target"][0]["target_unit_cost"] == pytest.approx(amount * rate["usd_per_unit"])
    assert 10 < out["target"][0]["target_unit_cost"] < 40


def test_pcb_prices_match_published_prototype_prices() -> None:
    """Issue: PCB fabrication cost 2.4–23x published prototype prices. JHYPCB (2024): one
    10 x 10 cm 2-layer board 10–15 USD, ten 5–8 USD each (ex works, China)."""
    def ex_works(q: int) -> float:
        e = costing.estimate_pcb(P, width_mm=100, height_mm=100, layers=2, quantity=q,
                                 region="CN", client_country="CN", assembly=False)
        b = e.breakdown
        return b["material"] + b["setup"] + b["margin"]
    assert 10 <= ex_works(1) <= 15
    assert 5 <= ex_works(10) <= 8


def test_pcb_cli_flags(capsys: Any) -> None:
    from shisaku.cli import main

    assert main(["estimate", "--pcb", "80x60", "--layers", "4", "--components", "120",
                 "--tht-joints", "12", "--sides", "2", "--qty", "5,500", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pcb"]["layers"] == 4 and [r["quantity"] for r in out["plan"]] == [5, 500]
    assert all(r["process"] == "pcb_assembly" and r["lead_time_days"] for r in out["plan"])
    assert main(["estimate", "--pcb", "80by60"]) == 2
    assert main(["estimate", "--pcb", "80x60", "--layers", "3"]) == 2


def test_every_engine_code_has_an_english_template() -> None:
    from shisaku.engines.messages import TEMPLATES

    g = _analyse(_side_hole(_open_box(), 30, 20))
    out = costing.estimate_geometry(g, quantities=[1, 1000], target_unit_cost=1.0)
    said = [*out["dfm"], *g["notes"], out["plan_basis"]]
    for e in out["estimates"]:
        said += e["assumptions"] + e["notes"]
    for t in out["target"]:
        said += t["levers"]
    for item in said:
        assert item["code"] in TEMPLATES and item["message"] and "%(" not in item["message"]
