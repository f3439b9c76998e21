"""Cost models: parameters with sources, the cooling-time formula, monotone costs, breakdowns
that add up, PCB costs."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.engines import costing
from shisaku.engines.costing import (
    GEOMETRY_PROCESSES,
    PartFacts,
    cooling_time_s,
    default_parameters,
    estimate_pcb,
    estimate_process,
    iter_parameters,
)
from shisaku.errors import InputError

PARAMS = default_parameters()
SMALL_BOX = PartFacts.box(50, 30, 20, wall=3)
QUANTITIES = [1, 2, 5, 10, 19, 20, 21, 50, 100, 300, 1000, 5000, 30000, 250_000, 1_000_000]


def test_public_api_is_exported() -> None:
    for name in costing.__all__:
        assert hasattr(costing, name), name


def test_every_parameter_has_a_source() -> None:
    seen = 0
    for path, node in iter_parameters(PARAMS.tree):
        assert isinstance(node, dict), f"{path} is a bare value without a source"
        assert str(node.get("source", "")).strip(), f"{path} has no source"
        seen += 1
    assert seen > 200


def test_every_region_has_rates_and_every_process_its_limits() -> None:
    assert set(PARAMS.regions) == {"KR", "JP", "CN", "TW", "VN"}
    for code in GEOMETRY_PROCESSES:
        proc = PARAMS.process(code)
        assert proc["default_material"] in proc["materials"]
        assert proc["min_wall_mm"] > 0 and len(proc["envelope_mm"]) == 3
        for material in proc["materials"]:
            assert PARAMS.has("materials", material, f"{proc['material_form']}_usd_kg"), (code, material)


def test_cooling_time_against_hand_computation() -> None:
    # s = 3 mm ABS, alpha 0.116 mm²/s, 230 / 60 / 90 °C:
    # 9 / (9.8696 x 0.116) = 7.8611 s; ln(1.27324 x 170 / 30) = ln(7.21502) = 1.97616
    assert cooling_time_s(3.0, 0.116, 230, 60, 90) == pytest.approx(15.535, abs=0.005)
    # quadratic in the wall
    assert cooling_time_s(6.0, 0.116, 230, 60, 90) == pytest.approx(4 * 15.535, abs=0.02)
    with pytest.raises(ValueError):
        cooling_time_s(3.0, 0.116, 230, 90, 60)


def test_moulding_estimate_uses_the_cooling_time() -> None:
    e = estimate_process(PARAMS, SMALL_BOX, "injection_molding", region="KR", quantity=10_000,
                         client_country="KR")
    assert e.details["cooling_s"] == pytest.approx(cooling_time_s(3.0, 0.116, 230, 60, 90), rel=1e-3)
    assert e.tooling_cost > 1000


@pytest.mark.parametrize("process", GEOMETRY_PROCESSES)
@pytest.mark.parametrize("region", ["KR", "CN", "VN", "JP", "TW"])
def test_unit_cost_never_rises_with_quantity(process: str, region: str) -> None:
    costs = [
        estimate_process(PARAMS, SMALL_BOX, process, region=region, quantity=q,
                         client_country="KR").unit_cost
        for q in QUANTITIES
    ]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(costs)), costs
    assert costs[0] > costs[-1]


@settings(max_examples=120, deadline=None)
@given(
    process=st.sampled_from(GEOMETRY_PROCESSES),
    region=st.sampled_from(["KR", "JP", "CN", "TW", "VN"]),
    client=st.sampled_from(["KR", "JP", "US", "DE", "CN"]),
    q1=st.integers(1, 200_000),
    dq=st.integers(0, 200_000),
    x=st.floats(5, 400),
    y=st.floats(5, 400),
    z=st.floats(5, 200),
    wall=st.floats(0.8, 4.0),
)
def test_properties_monotone_and_breakdown_sums(
    process: str, region: str, client: str, q1: int, dq: int, x: float, y: float, z: float,
    wall: float,
) -> None:
    wall = min(wall, min(x, y, z) / 3)
    facts = PartFacts.box(x, y, z, wall=wall)
    a = estimate_process(PARAMS, facts, process, region=region, quantity=q1, client_country=client)
    b = estimate_process(PARAMS, facts, process, region=region, quantity=q1 + dq,
                         client_country=client)
    assert b.unit_cost <= a.unit_cost + 1e-9
    for e in (a, b):
        assert e.unit_cost == pytest.approx(sum(e.breakdown.values()), abs=1e-3)
        assert e.total_cost == pytest.approx(e.unit_cost * e.quantity, abs=0.01 + 1e-9 * e.total_cost)
        assert all(v >= 0 for v in e.breakdown.values())
        assert e.currency == "USD" and e.lead_time_days >= 1
        assert e.assumptions


def test_domestic_orders_have_no_duty_or_cross_border_costs() -> None:
    home = estimate_process(PARAMS, SMALL_BOX, "cnc_milling", region="KR", quantity=50,
                            client_country="KR")
    abroad = estimate_process(PARAMS, SMALL_BOX, "cnc_milling", region="CN", quantity=50,
                              client_country="KR")
    assert home.breakdown["duty"] == 0 and home.breakdown["cross_border"] == 0
    assert abroad.breakdown["duty"] > 0 and abroad.breakdown["cross_border"] > 0
    assert abroad.lead_time_days > 0


def test_cheaper_labour_makes_labour_heavy_work_cheaper() -> None:
    kr = estimate_process(PARAMS, SMALL_BOX, "urethane_casting", region="KR", quantity=50,
                          client_country="KR")
    vn = estimate_process(PARAMS, SMALL_BOX, "urethane_casting", region="VN", quantity=50,
                          client_country="KR")
    assert vn.breakdown["labour"] < kr.breakdown["labour"]


def test_material_choice_and_errors() -> None:
    e = estimate_process(PARAMS, SMALL_BOX, "cnc_milling", material="stainless_304", region="KR",
                         quantity=10, client_country="KR")
    al = estimate_process(PARAMS, SMALL_BOX, "cnc_milling", region="KR", quantity=10,
                          client_country="KR")
    assert e.material == "stainless_304" and al.material == "aluminum_6061"
    assert e.breakdown["machine"] > al.breakdown["machine"]  # slower to cut
    with pytest.raises(InputError) as err:
        estimate_process(PARAMS, SMALL_BOX, "fdm_printing", material="titanium", region="KR",
                         quantity=1, client_country="KR")
    assert err.value.field == "material" and "pla" in err.value.valid
    with pytest.raises(InputError):
        estimate_process(PARAMS, SMALL_BOX, "welding", region="KR", quantity=1, client_country="KR")
    with pytest.raises(InputError):
        estimate_process(PARAMS, SMALL_BOX, "fdm_printing", region="XX", quantity=1,
                         client_country="KR")


def test_non_sensible_processes_say_why() -> None:
    turning = estimate_process(PARAMS, SMALL_BOX, "cnc_turning", region="KR", quantity=10,
                               client_country="KR")
    assert not turning.sensible and turning.notes
    big = PartFacts.box(900, 600, 400, wall=3)
    fdm = estimate_process(PARAMS, big, "fdm_printing", region="KR", quantity=1, client_country="KR")
    assert not fdm.sensible


def test_side_actions_and_cavities_raise_the_mould_cost() -> None:
    plain = estimate_process(PARAMS, SMALL_BOX, "injection_molding", region="CN", quantity=1000,
                             client_country="CN")
    facts = PartFacts(**{**SMALL_BOX.__dict__, "side_actions": 2})
    slides = estimate_process(PARAMS, facts, "injection_molding", region="CN", quantity=1000,
                              client_country="CN")
    assert slides.tooling_cost > plain.tooling_cost
    many = estimate_process(PARAMS, SMALL_BOX, "injection_molding", region="CN", quantity=1_000_000,
                            client_country="CN")
    assert many.details["cavities"] > 1
    assert many.tooling_cost > plain.tooling_cost


def test_pcb_costs() -> None:
    def unit(q: int, layers: int = 4) -> float:
        return estimate_pcb(PARAMS, board_area_mm2=50 * 80, layers=layers, quantity=q, region="CN",
                            client_country="KR", components=120, tht_joints=12).unit_cost

    assert unit(10) > unit(100) > unit(1000)
    assert unit(100, 2) < unit(100, 4) < unit(100, 8)
    e = estimate_pcb(PARAMS, board_area_mm2=4000, layers=2, quantity=100, region="KR",
                     client_country="KR", assembly=False)
    assert e.process == "pcb_fabrication"
    assert e.unit_cost == pytest.approx(sum(e.breakdown.values()), abs=1e-3)
    with pytest.raises(InputError):
        estimate_pcb(PARAMS, board_area_mm2=4000, layers=3, quantity=1, region="KR",
                     client_country="KR")
    assert math.isfinite(unit(1))
