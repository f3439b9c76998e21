"""Sourcing plan, crossovers, regional pattern, target check and the SVG plot."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.engines.costing import (
    GEOMETRY_PROCESSES,
    Options,
    PartFacts,
    cost_curve_svg,
    crossovers,
    default_parameters,
    plan_rows,
    target_check,
)

PARAMS = default_parameters()
SMALL_BOX = PartFacts.box(50, 30, 20, wall=3)
PRINTING = {"fdm_printing", "sla_printing", "sls_printing", "mjf_printing"}


def options(client: str = "KR", facts: PartFacts = SMALL_BOX) -> Options:
    return Options(PARAMS, facts, GEOMETRY_PROCESSES, PARAMS.regions, client)


def test_printing_to_moulding_crossover_lies_in_the_hundreds_to_thousands() -> None:
    opts = options()
    moulding = [x for x in crossovers(opts)["process"] if x["to"] == "injection_molding"]
    assert len(moulding) == 1
    assert moulding[0]["from"] in PRINTING | {"urethane_casting"}
    assert 100 <= moulding[0]["quantity"] <= 5000
    q = moulding[0]["quantity"]
    assert opts.best(q).process == "injection_molding"
    assert opts.best(q - 1).process != "injection_molding"


def test_few_units_at_home_volume_abroad() -> None:
    """Emerges from the rates: shipping and cross-border costs favour the client's own country
    for a handful of parts; lower labour and toolmaking rates win at volume."""
    for client in ("KR", "JP"):
        opts = options(client)
        assert opts.best(1).region == client
        assert opts.best(10).region == client
        assert opts.best(30_000).region in {"CN", "VN", "TW"}
        assert opts.best(30_000).process == "injection_molding"


@settings(max_examples=40, deadline=None)
@given(q=st.integers(1, 100_000), client=st.sampled_from(["KR", "JP", "US"]))
def test_plan_picks_the_cheapest_sensible_option(q: int, client: str) -> None:
    opts = options(client)
    row = plan_rows(opts, [q])[0]
    pool = [e for e in opts.all(q) if e.sensible]
    assert row["unit_cost"] == min(e.unit_cost for e in pool)
    chosen = opts.estimate(row["process"], row["region"], q)
    assert chosen.sensible and chosen.unit_cost == row["unit_cost"]


def test_plan_rows_carry_the_output_keys() -> None:
    rows = plan_rows(options(), [1, 300, 30000])
    for row in rows:
        assert {"quantity", "process", "region", "unit_cost", "lead_time_days"} <= set(row)
    assert [r["quantity"] for r in rows] == [1, 300, 30000]
    costs = [r["unit_cost"] for r in rows]
    assert costs == sorted(costs, reverse=True)


def test_region_crossovers_are_consistent() -> None:
    opts = options()
    for x in crossovers(opts)["region"]:
        q = x["quantity"]
        assert opts.best(q).region == x["to"]
        assert opts.best(q - 1).region == x["from"]


def test_target_check() -> None:
    opts = options()
    plan = plan_rows(opts, [10, 1000, 30000])
    result = target_check(opts, plan, target_unit_cost=2.0)
    assert [r["quantity"] for r in result] == [10, 1000, 30000]
    for r, row in zip(result, plan, strict=True):
        assert r["gap"] == pytest.approx(row["unit_cost"] - 2.0, abs=1e-6)
        assert r["met"] == (row["unit_cost"] <= 2.0)
        shares = [d["unit_cost"] for d in r["drivers"]]
        assert shares == sorted(shares, reverse=True)
    assert not result[0]["met"] and result[0]["levers"]
    assert any("units" in lever["message"] for lever in result[0]["levers"])
    assert result[-1]["met"]


def _series_points(svg: str) -> dict[str, list[tuple[float, float]]]:
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    out = {}
    for g in root.iter(f"{ns}g"):
        if (g.get("id") or "").startswith("series-"):
            d = g.find(f"{ns}path").get("d", "")
            nums = [float(v) for v in d.replace("M", " ").replace("L", " ").split()]
            out[g.get("id", "")] = list(zip(nums[::2], nums[1::2], strict=True))
    return out


def test_svg_plot() -> None:
    """matplotlib draws one line per series on log axes; texts stay text (svg.fonttype none)
    and are escaped; the SVG has no style attribute or element (CSP without inline styles)."""
    series = {"fdm_printing": [(1, 30.0), (10, 9.0), (1000, 7.5)],
              "injection_molding <b>&": [(100, 40.0), (1000, 4.0), (30000, 0.3)],
              "empty": [(0, 1.0)]}
    svg = cost_curve_svg(series, title="단가 <T>", x_label="수량", y_label="単価 (USD)")
    assert "style" not in svg and "<script" not in svg
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    for text in ("단가 <T>", "수량", "単価 (USD)", "fdm_printing", "injection_molding <b>&"):
        assert text in texts
    lines = _series_points(svg)
    assert len(lines) == 2
    fdm = lines["series-0"]
    assert [x for x, _ in fdm] == sorted(x for x, _ in fdm)
    # log axes: 1 -> 10 -> 1000 lie at 0, 1 and 3 decades
    assert fdm[1][0] - fdm[0][0] == pytest.approx((fdm[2][0] - fdm[1][0]) / 2, rel=1e-3)
    # y grows downwards in SVG: the cheaper point is lower on the page
    assert fdm[0][1] < fdm[1][1] < fdm[2][1]
    assert "no data" in "".join(ET.fromstring(cost_curve_svg({})).itertext())
    assert cost_curve_svg(series) == cost_curve_svg(series)  # no dates or random ids
