"""Ranking, reasons, weights, snapshots and the JSON of the matching index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import shisaku.engines.matching as matching
from shisaku.engines.matching import (
    DEFAULT_WEIGHTS,
    FACTORS,
    MatchIndex,
    SnapshotError,
    StaleSnapshotError,
    reference_match,
    validate_weights,
)
from shisaku.engines.matching._columns import bitset_array, has_all_bits, has_bit
from shisaku.errors import InputError
from tests.engines.test_matching_rules import BUSAN, OSAKA, SEOUL, cap, firm


def ranked_ids(records: list[dict[str, Any]], requirement: dict[str, Any], **kw: Any) -> list[int]:
    got = [h.id for h in MatchIndex.build(records).query(requirement, **kw).results]
    assert got == [h.id for h in reference_match(records, requirement, **kw).results]
    return got


def test_the_public_api_is_exported() -> None:
    for name in matching.__all__:
        assert getattr(matching, name) is not None
    assert {"MatchIndex", "parse_requirement", "reference_match"} <= set(matching.__all__)


def test_the_json_has_the_architecture_keys() -> None:
    records = [firm(1, cap(), reply_median_hours=3.0)]
    out = MatchIndex.build(records).query({"processes": ["cnc_milling"],
                                           "origin_region": "KR-11"}).to_dict()
    assert set(out) == {"considered", "eligible", "elapsed_ms", "results"}
    assert set(out["results"][0]) == {"id", "slug", "name", "score", "distance_km", "factors",
                                      "reasons"}
    assert set(out["results"][0]["factors"]) == set(FACTORS)
    json.dumps(out)  # JSON-able as it is


def test_scores_are_in_the_unit_interval_and_unknown_reply_is_neutral_not_best() -> None:
    records = [firm(1, reply_median_hours=1.0), firm(2, reply_median_hours=None),
               firm(3, reply_median_hours=72.0)]
    result = MatchIndex.build(records).query({})
    assert [h.id for h in result.results] == [1, 2, 3]
    by_id = {h.id: h for h in result.results}
    assert by_id[2].factors["reply_speed"] == 0.5
    assert all(0.0 <= h.score <= 1.0 for h in result.results)
    assert all(0.0 <= v <= 1.0 for h in result.results for v in h.factors.values())


def test_ties_break_by_ascending_id_whatever_the_input_order() -> None:
    records = [firm(i) for i in (42, 7, 19, 3, 100)]
    assert ranked_ids(records, {}) == [3, 7, 19, 42, 100]
    assert ranked_ids(records, {}, top_k=2) == [3, 7]


def test_closer_ranks_higher_when_an_origin_is_given() -> None:
    records = [firm(1, at=OSAKA, country="JP"), firm(2, at=BUSAN), firm(3, at=SEOUL)]
    assert ranked_ids(records, {"origin": {"lat": SEOUL[0], "lon": SEOUL[1]}}) == [3, 2, 1]
    assert ranked_ids(records, {}) == [1, 2, 3]


def test_product_field_raises_the_score_but_does_not_filter() -> None:
    records = [firm(1, product_fields=["iot_ict"]), firm(2, product_fields=["medical_welfare"])]
    assert ranked_ids(records, {"product_field": "medical_welfare"}) == [2, 1]


def test_stage_fit_rewards_covering_the_later_stages() -> None:
    records = [firm(1, stages=["prototyping"]),
               firm(2, stages=["prototyping", "dfm", "small_lot", "mass_production"])]
    result = MatchIndex.build(records).query({"stage": "prototyping"})
    assert [h.id for h in result.results] == [2, 1]
    assert result.results[0].factors["stage_fit"] == 1.0
    assert result.results[1].factors["stage_fit"] == 0.0


def test_lead_time_is_the_slowest_required_process_at_its_quickest_capability() -> None:
    records = [firm(1, cap("cnc_milling", lead_time_days=5), cap("cnc_milling", lead_time_days=30),
                    cap("cnc_turning", lead_time_days=12), cap("welding", lead_time_days=90))]
    hit = MatchIndex.build(records).query({"processes": ["cnc_milling", "cnc_turning"]}).results[0]
    assert hit.factors["lead_time"] == pytest.approx(1 / (1 + 12 / 14))
    assert "typical lead time 12 days" in hit.render_reasons()


def test_weights_override_the_defaults_and_are_validated() -> None:
    records = [firm(1, at=BUSAN, reply_median_hours=1.0), firm(2, at=SEOUL, reply_median_hours=48.0)]
    origin = {"origin": {"lat": SEOUL[0], "lon": SEOUL[1]}}
    only_distance = {name: 0.0 for name in FACTORS} | {"distance": 1.0}
    only_reply = {name: 0.0 for name in FACTORS} | {"reply_speed": 1.0}
    assert ranked_ids(records, origin, weights=only_distance) == [2, 1]
    assert ranked_ids(records, origin, weights=only_reply) == [1, 2]
    assert validate_weights(None) == dict(DEFAULT_WEIGHTS)
    for bad in ({"charm": 1.0}, {"distance": -1.0}, {name: 0.0 for name in FACTORS},
                {"distance": float("inf")}, {"distance": "high"}):
        with pytest.raises(InputError) as caught:
            MatchIndex.build(records).query({}, weights=bad)  # type: ignore[arg-type]
        assert caught.value.field == "weights"


def test_reasons_read_well_and_translate() -> None:
    records = [firm(1, cap(max_lot=5000, materials=["aluminum_6061"]),
                    certifications=["iso_13485"], reply_median_hours=3.0, rating=4.5,
                    rating_count=12, startup_projects=8, product_fields=["medical_welfare"],
                    accepts_foreign=True)]
    requirement = {"processes": ["cnc_milling"], "materials": ["aluminum_6061"],
                   "certifications": ["iso_13485"], "origin_region": "KR-26",
                   "product_field": "medical_welfare", "client_country": "JP"}
    hit = MatchIndex.build(records).query(requirement).results[0]
    reasons = hit.render_reasons()
    assert "CNC milling up to 5,000 units" in reasons
    assert "ISO 13485 (medical devices) held" in reasons
    assert "replies in 3 h median" in reasons
    assert "rated 4.5 / 5 in 12 reviews" in reasons
    assert "8 startup projects done" in reasons
    assert "accepts foreign clients" in reasons
    assert any(r.endswith("km from Busan") for r in reasons)
    korean = hit.render_reasons("ko", translate=lambda t: t.replace("held", "보유"))
    assert "CNC 밀링 가공 up to 5,000 units" in korean
    assert any("보유" in r for r in korean)
    codes = hit.to_dict(reason_codes=True)["reason_codes"]
    assert {"code": "certification", "template": "{certification} held",
            "params": {"certification": "iso_13485"}} in codes


def test_top_k_keeps_the_best_and_counts_every_eligible_firm() -> None:
    records = [firm(i, startup_projects=i % 7) for i in range(1, 60)]
    index = MatchIndex.build(records)
    full = index.query({}, top_k=None)
    top = index.query({}, top_k=5)
    assert top.eligible == full.eligible == 59
    assert [h.id for h in top.results] == [h.id for h in full.results[:5]]
    assert index.query({}, top_k=0).results == ()


def test_snapshot_round_trip_and_stale_generations(tmp_path: Path) -> None:
    records = [firm(i, cap(max_part_mm=[100.1, 20, 30]), rating=4.3, reply_median_hours=2.5)
               for i in range(1, 20)]
    index = MatchIndex.build(records, generation=7)
    path = index.save(tmp_path / "match-index-7.npz")
    loaded = MatchIndex.load(path, generation=7)
    assert loaded.generation == 7 and loaded.size == 19 and loaded.nbytes == index.nbytes
    requirement = {"processes": ["cnc_milling"], "part_size_mm": [100.1, 1, 1]}
    assert loaded.query(requirement).results == index.query(requirement).results
    with pytest.raises(StaleSnapshotError):
        MatchIndex.load(path, generation=8)
    (tmp_path / "junk.npz").write_bytes(b"not a snapshot")
    with pytest.raises(SnapshotError):
        MatchIndex.load(tmp_path / "junk.npz")


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        MatchIndex.build([firm(1), firm(1)])


def test_bitsets_grow_past_64_codes() -> None:
    masks = [1 << 3 | 1 << 70, 1 << 129, 0]
    column = bitset_array(masks, 130)
    assert column.shape == (3, 3) and column.dtype == np.uint64
    assert has_bit(column, 70).tolist() == [True, False, False]
    assert has_bit(column, 129).tolist() == [False, True, False]
    assert has_bit(column, 3, np.array([0, 2])).tolist() == [True, False]
    both = has_all_bits(column, [3, 70])
    assert both is not None and both.tolist() == [True, False, False]
    small = bitset_array([0b101, 0b010], 6)
    assert small.dtype == np.uint8
    assert has_bit(small, 2).tolist() == [True, False]
