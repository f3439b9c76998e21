"""Property tests: on random directories and requirements the index equals the reference loop.

A third, independent predicate (written from ARCHITECTURE.md's rule list, sharing no code with
either implementation) checks that every ranked firm satisfies every rule.
"""

from __future__ import annotations

import math
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shisaku import taxonomy
from shisaku.engines.matching import MatchIndex, parse_requirement, reference_match
from shisaku.engines.matching.reference import reference_eligible_ids

# Small vocabularies so that random requirements often have matches.
PROCESSES = ["cnc_milling", "cnc_turning", "injection_molding", "pcb_assembly"]
MATERIALS = ["aluminum_6061", "abs", "pom", "brass", "fr4"]
CERTIFICATIONS = ["iso_9001", "iso_13485", "as9100", "ce"]
COUNTRIES = ["KR", "JP", "CN"]
STAGES = list(taxonomy.codes("stage"))
FIELDS = list(taxonomy.codes("product_field"))
REGIONS = ["KR-11", "KR-26", "KR-47", "JP-13", "JP-27", "CN-GD"]

sizes = st.sampled_from([10.0, 50.0, 100.0, 100.1, 250.0, 0.5, 333.3]) | st.floats(1, 1000)
lots = st.sampled_from([1, 10, 100, 500, 1000, 5000, 10**6])


@st.composite
def capabilities(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.none() | lots)
    high = draw(st.none() | lots)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {
        "process": draw(st.sampled_from(PROCESSES)),
        "materials": draw(st.lists(st.sampled_from(MATERIALS), max_size=3, unique=True)),
        "min_lot": low,
        "max_lot": high,
        "max_part_mm": draw(st.none() | st.lists(sizes, min_size=3, max_size=3)),
        "tolerance_mm": None,
        "lead_time_days": draw(st.none() | st.sampled_from([1, 5, 10, 14, 30, 2.5])),
    }


@st.composite
def directories(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.integers(1, 10**6), min_size=3, max_size=30, unique=True))
    records = []
    for firm_id in ids:
        country = draw(st.sampled_from(COUNTRIES))
        records.append({
            "id": firm_id, "slug": f"firm-{firm_id}", "name": f"Firm {firm_id}",
            "country": country,
            "lat": draw(st.floats(20, 45)), "lon": draw(st.floats(100, 145)),
            "stages": draw(st.lists(st.sampled_from(STAGES), max_size=6, unique=True)),
            "product_fields": draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)),
            "certifications": draw(st.lists(st.sampled_from(CERTIFICATIONS), max_size=4,
                                            unique=True)),
            "accepts_foreign": draw(st.booleans()),
            "capabilities": draw(st.lists(capabilities(), min_size=1, max_size=5)),
            "reply_median_hours": draw(st.none() | st.sampled_from([0.5, 3.0, 24.0, 100.0])
                                       | st.floats(0, 200)),
            "rating": draw(st.none() | st.sampled_from([1.0, 3.0, 4.3, 5.0])),
            "rating_count": draw(st.integers(0, 40)),
            "startup_projects": draw(st.integers(0, 30)),
        })
    return records


@st.composite
def requirements(draw: st.DrawFn) -> dict[str, Any]:
    def sometimes(percent: int) -> bool:
        return draw(st.integers(0, 99)) < percent

    req: dict[str, Any] = {}
    if sometimes(75):  # lot and envelope rules only apply to required processes
        req["processes"] = draw(st.lists(st.sampled_from(PROCESSES), min_size=1, max_size=2,
                                         unique=True))
    if sometimes(35):
        req["materials"] = draw(st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=2,
                                         unique=True))
    if sometimes(50):
        req["quantity"] = draw(lots | st.integers(1, 2 * 10**6))
    if sometimes(50):
        req["part_size_mm"] = draw(st.lists(sizes, min_size=3, max_size=3))
    for name, values in (("stage", STAGES), ("product_field", FIELDS),
                         ("client_country", COUNTRIES)):
        if sometimes(35):
            req[name] = draw(st.sampled_from(values))
    if sometimes(30):
        req["certifications"] = draw(st.lists(st.sampled_from(CERTIFICATIONS), min_size=1,
                                              max_size=2, unique=True))
    if sometimes(30):
        req["countries"] = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2,
                                         unique=True))
    origin = draw(st.sampled_from(["none", "region", "point"]))
    if origin == "region":
        req["origin_region"] = draw(st.sampled_from(REGIONS))
    elif origin == "point":
        req["origin"] = {"lat": draw(st.floats(20, 45)), "lon": draw(st.floats(100, 145))}
    if origin != "none" and sometimes(50):
        req["max_distance_km"] = draw(st.sampled_from([50.0, 300.0, 1000.0]) | st.floats(1, 3000))
    return req


def satisfies_every_rule(record: dict[str, Any], req: dict[str, Any]) -> bool:
    """ARCHITECTURE.md's six rules, restated independently of both implementations."""
    qty = req.get("quantity")
    part = req.get("part_size_mm")

    def lot_ok(c: dict[str, Any]) -> bool:
        return qty is None or ((c["min_lot"] or 0) <= qty and
                               (c["max_lot"] is None or qty <= c["max_lot"]))

    def fits(c: dict[str, Any]) -> bool:
        if part is None or c["max_part_mm"] is None:
            return True
        return all(a <= b for a, b in zip(sorted(part), sorted(c["max_part_mm"])))

    caps = record["capabilities"]
    for p in req.get("processes", []):
        if not [c for c in caps if c["process"] == p and lot_ok(c) and fits(c)]:
            return False
    wanted = req.get("processes")
    pool = [c for c in caps if not wanted or c["process"] in wanted]
    for m in req.get("materials", []):
        if all(m not in c["materials"] for c in pool):
            return False
    if "stage" in req and req["stage"] not in record["stages"]:
        return False
    if any(c not in record["certifications"] for c in req.get("certifications", [])):
        return False
    if "countries" in req and record["country"] not in req["countries"]:
        return False
    if "max_distance_km" in req:
        if "origin" in req:
            lat0, lon0 = req["origin"]["lat"], req["origin"]["lon"]
        else:
            region = taxonomy.region(req["origin_region"])
            lat0, lon0 = region.lat, region.lon
        # spherical law of cosines: a different formula from the haversine under test
        a, b = math.radians(lat0), math.radians(record["lat"])
        dl = math.radians(record["lon"] - lon0)
        cos_c = math.sin(a) * math.sin(b) + math.cos(a) * math.cos(b) * math.cos(dl)
        distance = 6371.0088 * math.acos(max(-1.0, min(1.0, cos_c)))
        if distance > req["max_distance_km"] + 1e-3:
            return False
    client = req.get("client_country")
    return record["accepts_foreign"] or client is None or client == record["country"]


PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(directories(), requirements())
def test_the_index_finds_exactly_the_reference_set(records: list[dict[str, Any]],
                                                   req: dict[str, Any]) -> None:
    index = MatchIndex.build(records)
    assert index.eligible_ids(req).tolist() == reference_eligible_ids(records, req)


@PROPERTY
@given(directories(), requirements(), st.sampled_from([None, 1, 3, 10]))
def test_ranking_scores_and_reasons_equal_the_reference(records: list[dict[str, Any]],
                                                        req: dict[str, Any],
                                                        top_k: int | None) -> None:
    got = MatchIndex.build(records).query(req, top_k=top_k)
    want = reference_match(records, req, top_k=top_k)
    assert (got.considered, got.eligible) == (want.considered, want.eligible)
    assert [h.id for h in got.results] == [h.id for h in want.results]
    for mine, theirs in zip(got.results, want.results, strict=True):
        assert abs(mine.score - theirs.score) <= 1e-9
        assert 0.0 <= mine.score <= 1.0
        assert mine.factors.keys() == theirs.factors.keys()
        assert all(abs(mine.factors[k] - theirs.factors[k]) <= 1e-9 for k in mine.factors)
        assert (mine.distance_km is None) == (theirs.distance_km is None)
        if mine.distance_km is not None and theirs.distance_km is not None:
            assert abs(mine.distance_km - theirs.distance_km) <= 1e-6
            if round(mine.distance_km) == round(theirs.distance_km):
                assert mine.reasons == theirs.reasons
        else:
            assert mine.reasons == theirs.reasons
        assert (mine.slug, mine.name) == (theirs.slug, theirs.name)


@PROPERTY
@given(directories(), requirements())
def test_every_ranked_firm_satisfies_every_rule_in_rank_order(records: list[dict[str, Any]],
                                                              req: dict[str, Any]) -> None:
    by_id = {r["id"]: r for r in records}
    result = MatchIndex.build(records).query(req, top_k=None)
    keys = [(-h.score, h.id) for h in result.results]
    assert keys == sorted(keys)  # score descending, ties by ascending id
    for hit in result.results:
        assert satisfies_every_rule(by_id[hit.id], req)
    # and nothing that satisfies the rules was left out (up to the distance tolerance)
    if "max_distance_km" not in req:
        expected = {r["id"] for r in records if satisfies_every_rule(r, req)}
        assert {h.id for h in result.results} == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(directories(), requirements())
def test_queries_are_deterministic_and_survive_a_snapshot(records: list[dict[str, Any]],
                                                          req: dict[str, Any]) -> None:
    index = MatchIndex.build(records, generation=3)
    first = index.query(req, top_k=5)
    assert index.query(req, top_k=5).results == first.results
    with tempfile.TemporaryDirectory() as tmp:
        loaded = MatchIndex.load(index.save(Path(tmp) / "snap.npz"), generation=3)
    assert loaded.query(req, top_k=5).results == first.results
    assert MatchIndex.build(list(reversed(records))).query(req, top_k=5).results == first.results


@settings(max_examples=60, deadline=None)
@given(requirements())
def test_valid_requirements_round_trip_through_their_json(req: dict[str, Any]) -> None:
    parsed = parse_requirement(req)
    assert parse_requirement(parsed.as_dict()) == parsed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(directories(), requirements(), st.sampled_from([1, 3, 10]))
def test_the_rough_distance_pass_changes_nothing(records: list[dict[str, Any]],
                                                 req: dict[str, Any], top_k: int) -> None:
    """Large sets first rank on float32 distances; forced on here for every size."""
    import shisaku.engines.matching.index as index_module

    want = reference_match(records, req, top_k=top_k)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_EXACT_ROWS", 0)
        got = MatchIndex.build(records).query(req, top_k=top_k)
    assert got.eligible == want.eligible
    assert [h.id for h in got.results] == [h.id for h in want.results]
    assert all(abs(m.score - t.score) <= 1e-9 for m, t in zip(got.results, want.results))


def test_a_large_directory_agrees_with_the_reference_on_the_fast_paths() -> None:
    """6,000 firms: enough for the sampled top-K threshold and the rough distance pass."""
    rng = random.Random(11)
    records = []
    for firm_id in range(1, 6001):
        records.append({
            "id": firm_id * 7 % 60013, "slug": f"f-{firm_id}", "name": f"F {firm_id}",
            "country": rng.choice(COUNTRIES), "lat": rng.uniform(25, 42),
            "lon": rng.uniform(110, 142), "stages": rng.sample(STAGES, 3),
            "product_fields": rng.sample(FIELDS, 1), "certifications": [],
            "accepts_foreign": rng.random() < 0.5,
            "capabilities": [{"process": rng.choice(PROCESSES[:2]), "materials": ["abs"],
                              "min_lot": 1, "max_lot": rng.choice([100, 1000, None]),
                              "max_part_mm": None, "lead_time_days": rng.choice([5, 10, 20])}],
            "reply_median_hours": rng.choice([None, 2.0, 5.5, 24.0]),
            "rating": rng.choice([None, 3.5, 4.0, 4.5]), "rating_count": rng.randint(0, 9),
            "startup_projects": rng.randint(0, 6),
        })
    index = MatchIndex.build(records)
    assert index.query({"origin_region": "KR-11"}).eligible == 6000
    for req in ({"origin_region": "KR-11"}, {"processes": ["cnc_milling"], "origin_region": "JP-13"},
                {"origin": {"lat": 30.0, "lon": 120.0}, "max_distance_km": 1500},
                {"quantity": 500, "processes": ["cnc_turning"]}, {}):
        got, want = index.query(req, top_k=15), reference_match(records, req, top_k=15)
        assert got.eligible == want.eligible > 500
        assert [h.id for h in got.results] == [h.id for h in want.results]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.1, 0.5, 0.25, 0.75, 1.0]) | st.floats(0, 1), min_size=1,
                max_size=30), st.integers(1, 25), st.integers(1, 400))
def test_the_sampled_kth_largest_is_exact(pattern: list[float], k: int, repeat: int) -> None:
    from shisaku.engines.matching.index import _kth_largest

    values = np.array((pattern * (30_000 // len(pattern) + 1))[: 20_000 + repeat])
    k = min(k, values.size)
    assert _kth_largest(values, k) == np.sort(values)[-k]
