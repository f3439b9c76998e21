"""The on-time delivery factor: neutral without facts, shrunk towards neutral for few orders,
the same in its scalar and array forms, and it moves the ranking between two otherwise equal
firms."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from shisaku.engines.matching import scoring
from shisaku.engines.matching.index import MatchIndex
from shisaku.engines.matching.reasons import HitFacts, build_reasons
from tests.factories import capability, record


def test_neutral_without_delivered_orders_and_shrunk_for_few() -> None:
    assert scoring.on_time_factor(None, 0) == scoring.NEUTRAL
    assert scoring.on_time_factor(1.0, 0) == scoring.NEUTRAL
    assert scoring.on_time_factor(0.0, 1) == (0 + 3 * 0.5) / 4
    assert scoring.on_time_factor(1.0, 97) == (97 + 1.5) / 100
    assert math.isclose(sum(scoring.DEFAULT_WEIGHTS.values()), 1.0)


@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 1)), st.integers(0, 500)),
                min_size=1, max_size=30))
def test_scalar_and_array_forms_agree(rows: list[tuple[float | None, int]]) -> None:
    rates = np.array([np.nan if r is None else r for r, _n in rows], dtype=np.float64)
    counts = np.array([n for _r, n in rows], dtype=np.float64)
    array = scoring.on_time_factor_array(rates, counts)
    for i, (rate, n) in enumerate(rows):
        assert array[i] == scoring.on_time_factor(rate, n)


def test_a_late_firm_ranks_below_an_on_time_twin_and_says_why() -> None:
    twins = [record(f"Twin {i}", "KR-41", id=i + 1, slug=f"twin-{i}",
                    capabilities=[capability("cnc_milling")],
                    on_time_rate=rate, delivered_orders=4)
             for i, rate in enumerate((0.25, 1.0))]
    result = MatchIndex.build(twins, generation=1).query({"processes": ["cnc_milling"]})
    assert [h.id for h in result.results] == [2, 1]
    assert result.results[0].factors["on_time"] > result.results[1].factors["on_time"]
    codes = [r.code for r in build_reasons(HitFacts(on_time_rate=0.25, delivered_orders=4))]
    assert "on_time" in codes
    assert [r.code for r in build_reasons(HitFacts(on_time_rate=0.0, delivered_orders=1))] \
        == ["reply_unknown", "late_one"]
