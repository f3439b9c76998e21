"""Sample data: determinism, validity, coherence and distributions of generated firms; fab labs.

The coherence rules here are written from the domain (what a die-caster or a PCB house can
and cannot do, which stages a lot range serves, which material family a process works), not
copied from the generator's tables, so that a wrong table fails a test.
"""

from __future__ import annotations

import copy
import json
import math
import re
import statistics
from collections import Counter
from importlib import resources
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shisaku.sampledata as sampledata
from shisaku import taxonomy
from shisaku.sampledata import (
    COUNTRY_WEIGHTS,
    MAKER_SPACE_SOURCE,
    generate_manufacturers,
    generate_with_archetypes,
    load_maker_spaces,
    validate_record,
)
from shisaku.sampledata._geo import CLUSTERS
from shisaku.sampledata.makerspaces import haversine_km

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROCESS_TECH = {t.code: t.group for t in taxonomy.PROCESSES}
MATERIAL_FAMILY = {t.code: t.group for t in taxonomy.MATERIALS}

# Material families a process can work, from how the processes physically work.
PROCESS_FAMILIES: dict[str, set[str]] = {
    "cnc_milling": {"metal", "plastic"},
    "cnc_turning": {"metal", "plastic"},
    "sheet_metal": {"metal"},
    "laser_cutting": {"metal", "plastic"},
    "welding": {"metal"},
    "mold_making": {"metal"},
    "injection_molding": {"plastic", "elastomer"},
    "die_casting": {"metal"},
    "urethane_casting": {"plastic", "elastomer"},
    "fdm_printing": {"plastic", "elastomer"},
    "sla_printing": {"photopolymer"},
    "sls_printing": {"plastic", "elastomer"},
    "mjf_printing": {"plastic", "elastomer"},
    "metal_printing": {"metal"},
    "pcb_fabrication": {"laminate"},
    "pcb_assembly": {"laminate"},
    "cable_harness": {"metal", "plastic", "elastomer"},
    "surface_finishing": {"metal", "plastic"},
}
SERVICE_PROCESSES = {"industrial_design", "mechanical_design", "circuit_design", "firmware",
                     "reliability_testing", "certification_support"}
# Processes an archetype must never offer.
FORBIDDEN: dict[str, set[str]] = {
    "die_casting": {"firmware", "circuit_design", "pcb_fabrication", "pcb_assembly",
                    "fdm_printing", "sla_printing", "injection_molding"},
    "injection_molder": {"firmware", "circuit_design", "pcb_fabrication", "die_casting"},
    "design_house": {"injection_molding", "die_casting", "sheet_metal", "pcb_fabrication"},
    "pcb_house": {"die_casting", "injection_molding", "sheet_metal", "welding"},
    "print_bureau": {"injection_molding", "die_casting", "pcb_assembly", "firmware"},
    "test_lab": {"cnc_milling", "injection_molding", "die_casting", "pcb_fabrication"},
    "machining": {"firmware", "pcb_assembly", "injection_molding", "die_casting"},
    "sheet_metal": {"firmware", "injection_molding", "pcb_assembly", "sla_printing"},
}
# Processes an archetype always offers.
REQUIRED: dict[str, set[str]] = {
    "die_casting": {"die_casting"},
    "injection_molder": {"injection_molding", "mold_making"},
    "pcb_house": {"pcb_fabrication", "pcb_assembly"},
    "design_house": {"industrial_design", "mechanical_design"},
    "sheet_metal": {"sheet_metal", "laser_cutting"},
    "ems": {"pcb_assembly", "final_assembly"},
    "test_lab": {"reliability_testing", "certification_support"},
    "print_bureau": {"fdm_printing", "sla_printing"},
}


@pytest.fixture(scope="module")
def sample() -> list[tuple[str, dict[str, Any]]]:
    return list(generate_with_archetypes(5000, seed=11))


def test_public_api_is_exported() -> None:
    for name in sampledata.__all__:
        assert hasattr(sampledata, name), name
    assert {"generate_manufacturers", "load_maker_spaces", "validate_record"} <= set(
        sampledata.__all__)


# --- determinism -------------------------------------------------------------------------

def test_same_seed_gives_identical_records_and_other_seed_differs() -> None:
    a = list(generate_manufacturers(200, seed=3))
    b = list(generate_manufacturers(200, seed=3))
    c = list(generate_manufacturers(200, seed=4))
    assert a == b
    assert [r["name"] for r in a] != [r["name"] for r in c]
    assert all(r["source"] == "shisaku sample generator v1 (seed 3)" for r in a)


def test_first_k_records_do_not_depend_on_n() -> None:
    long = list(generate_manufacturers(300, seed=5))
    assert list(generate_manufacturers(37, seed=5)) == long[:37]
    assert list(generate_manufacturers(0, seed=5)) == []


def test_start_id_shifts_ids_and_slugs_only() -> None:
    base = list(generate_manufacturers(20, seed=9))
    shifted = list(generate_manufacturers(20, seed=9, start_id=1001))
    for a, b in zip(base, shifted, strict=True):
        assert b["id"] == a["id"] + 1000
        assert b["slug"].endswith(f"-{b['id']}")
        assert b["slug"].rsplit("-", 1)[0] == a["slug"].rsplit("-", 1)[0]
        strip = {k: v for k, v in a.items() if k not in ("id", "slug")}
        assert strip == {k: v for k, v in b.items() if k not in ("id", "slug")}


def test_negative_n_is_an_error() -> None:
    with pytest.raises(ValueError):
        list(generate_manufacturers(-1))


# --- validity ------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32), n=st.integers(min_value=0, max_value=60),
       start_id=st.integers(min_value=1, max_value=10**6))
def test_every_generated_record_is_valid(seed: int, n: int, start_id: int) -> None:
    records = list(generate_manufacturers(n, seed=seed, start_id=start_id))
    assert len(records) == n
    assert [r["id"] for r in records] == list(range(start_id, start_id + n))
    assert len({r["slug"] for r in records}) == n
    for rec in records:
        assert validate_record(rec) == [], rec
        assert rec["synthetic"] is True and rec["kind"] == "manufacturer"
        assert SLUG.match(rec["slug"]) and rec["slug"].endswith(f"-{rec['id']}")
        assert rec["capabilities"], "a firm without capabilities cannot be matched"


def test_records_are_json_and_share_no_mutable_parts() -> None:
    records = list(generate_manufacturers(50, seed=1))
    assert json.loads(json.dumps(records)) == records
    records[0]["capabilities"][0]["materials"].append("fr4")
    records[0]["stages"].append("x")
    again = list(generate_manufacturers(50, seed=1))
    assert "x" not in again[0]["stages"]
    ids = [id(c["max_part_mm"]) for r in records for c in r["capabilities"] if c["max_part_mm"]]
    assert len(ids) == len(set(ids))


# --- coherence -----------------------------------------------------------------------------

def test_archetypes_offer_what_they_must_and_nothing_absurd(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    seen = Counter(arch for arch, _ in sample)
    assert len(seen) >= 15
    for arch, rec in sample:
        processes = {c["process"] for c in rec["capabilities"]}
        assert not processes & FORBIDDEN.get(arch, set()), (arch, processes)
        assert REQUIRED.get(arch, set()) <= processes, (arch, processes)


def test_technologies_follow_processes(sample: list[tuple[str, dict[str, Any]]]) -> None:
    for _, rec in sample:
        expected = {PROCESS_TECH[c["process"]] for c in rec["capabilities"]}
        assert set(rec["technologies"]) == expected
        assert rec["technologies"] == [t for t in taxonomy.codes("technology") if t in expected]


def test_materials_suit_their_process(sample: list[tuple[str, dict[str, Any]]]) -> None:
    for _, rec in sample:
        for cap in rec["capabilities"]:
            process, materials = cap["process"], cap["materials"]
            assert len(materials) == len(set(materials))
            if process in SERVICE_PROCESSES or process == "final_assembly":
                assert materials == []
                continue
            assert materials, cap
            families = {MATERIAL_FAMILY[m] for m in materials}
            assert families <= PROCESS_FAMILIES[process], cap


def test_lot_ranges_envelopes_and_tolerances_make_sense(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    for _, rec in sample:
        for cap in rec["capabilities"]:
            p, lo, hi = cap["process"], cap["min_lot"], cap["max_lot"]
            assert 1 <= lo <= hi
            if p in ("fdm_printing", "sla_printing"):
                assert hi <= 500
            if p == "urethane_casting":
                assert lo <= 10 and hi <= 200
            if p == "die_casting":
                assert lo >= 500 and hi >= 100_000
            if p == "injection_molding":  # mould makers' try-out presses shoot a few hundred
                assert lo >= 100 and hi >= 5_000
            if p in ("cnc_milling", "cnc_turning"):
                assert lo <= 100
            env = cap["max_part_mm"]
            if p in SERVICE_PROCESSES:
                assert env is None and cap["tolerance_mm"] is None
            if env is not None:
                assert all(isinstance(v, int) and v > 0 for v in env)
                assert max(env) <= 6000  # 6 m: the longest common laser beds and weld frames
            if p == "cnc_turning":
                assert cap["tolerance_mm"] <= 0.02
            if p == "fdm_printing":
                assert cap["tolerance_mm"] >= 0.2
            assert 1 <= cap["lead_time_days"] <= 90


def test_stages_follow_capabilities(sample: list[tuple[str, dict[str, Any]]]) -> None:
    design = {"industrial_design", "mechanical_design", "circuit_design"}
    for arch, rec in sample:
        stages, caps = set(rec["stages"]), rec["capabilities"]
        processes = {c["process"] for c in caps}
        assert rec["stages"] == [s for s in taxonomy.codes("stage") if s in stages]
        if "mass_production" in stages:
            assert any(c["max_lot"] >= 10_000 and c["process"] not in SERVICE_PROCESSES
                       for c in caps), rec
        if "business_design" in stages:
            assert processes & design or arch in ("design_house", "electronics_design")
        if "prototyping" in stages:
            assert any(c["min_lot"] <= 10 for c in caps)
        if "small_lot" in stages:
            assert any(c["min_lot"] <= 1000 and c["max_lot"] >= 100 for c in caps)
        if arch == "design_house":
            assert {"business_design", "spec_review", "prototyping", "dfm"} <= stages
        if arch == "injection_molder":
            assert {"dfm", "mass_production"} <= stages


def _reference_stages(arch: str, caps: list[dict[str, Any]]) -> list[str]:
    """Stages by plain loops over the process table: the reference for the generator's masks."""
    from shisaku.sampledata._archetypes import ARCHETYPES, PROCESS_STAGES

    stages = set(next(a for a in ARCHETYPES if a.code == arch).extra_stages)
    for cap in caps:
        for stage in PROCESS_STAGES[cap["process"]]:
            if stage == "prototyping" and cap["min_lot"] > 10:
                continue
            if stage == "small_lot" and not (cap["min_lot"] <= 1000 and cap["max_lot"] >= 100):
                continue
            if stage == "mass_production" and cap["max_lot"] < 10_000:
                continue
            stages.add(stage)
    return [s for s in taxonomy.codes("stage") if s in stages]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_stage_masks_agree_with_the_reference(seed: int) -> None:
    for arch, rec in generate_with_archetypes(40, seed=seed):
        assert rec["stages"] == _reference_stages(arch, rec["capabilities"])


def test_places_are_consistent_and_cluster_shaped(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    for _, rec in sample:
        region = taxonomy.region(rec["region"])
        assert region.country == rec["country"] and region.block == rec["block"]
        limit = 250 if rec["country"] == "CN" else 150
        assert haversine_km(rec["lat"], rec["lon"], region.lat, region.lon) < limit, rec
        near = min(haversine_km(rec["lat"], rec["lon"], c.lat, c.lon) / c.sigma_km
                   for c in CLUSTERS[rec["country"]] if c.region == rec["region"])
        assert near <= 2.5 * math.sqrt(2) + 0.05


def test_certifications_and_languages_are_plausible(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    local = {"KR": "ko", "JP": "ja", "CN": "zh", "TW": "zh", "VN": "vi"}
    for arch, rec in sample:
        certs = set(rec["certifications"])
        if certs & {"iso_13485", "as9100", "iatf_16949"}:
            assert "iso_9001" in certs
        if "kc" in certs:
            assert rec["country"] == "KR"
        if "pse" in certs:
            assert rec["country"] == "JP"
        if "iatf_16949" in certs:
            assert arch not in ("design_house", "electronics_design", "print_bureau")
        assert rec["languages"][0] == local[rec["country"]]
        assert len(rec["languages"]) == len(set(rec["languages"]))
        assert 1 <= len(rec["product_fields"]) <= 3
    medical = [rec for arch, rec in sample if arch == "medical"]
    others = [rec for arch, rec in sample if arch in ("machining", "sheet_metal")]
    def share(recs: list[dict[str, Any]]) -> float:
        return sum("iso_13485" in r["certifications"] for r in recs) / len(recs)

    assert share(medical) > 0.6 > 0.1 > share(others)


def test_names_are_in_local_script_with_latin_forms(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    hangul = re.compile("[\uac00-\ud7a3]")
    cjk = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
    for _, rec in sample[:1500]:
        name, local, country = rec["name"], rec["name_local"], rec["country"]
        assert name.isascii() and name.strip() == name and name
        if country == "KR":
            assert hangul.search(local)
        elif country in ("JP", "CN", "TW"):
            assert cjk.search(local)
        if country in ("CN", "TW"):
            assert local.endswith("有限公司")
        if country == "VN":
            assert local.startswith("Công ty")
        en = rec["description"]["en"]
        assert en.startswith(name) and en.endswith("(Synthetic sample data.)")
        assert not re.search(r" a [aeiou]", en), en


# Equipment words and the process a firm must offer to own such a machine.
EQUIPMENT_NEEDS = {
    "lathe": {"cnc_turning"}, "machining centre": {"cnc_milling"}, "gantry mill": {"cnc_milling"},
    "press brake": {"sheet_metal"}, "fiber laser": {"laser_cutting"}, "SMT": {"pcb_assembly"},
    "die-casting": {"die_casting"}, "moulding machine": {"injection_molding"},
    "FDM printers": {"fdm_printing"}, "SLA printers": {"sla_printing"},
    "vacuum casting": {"urethane_casting"}, "crimp": {"cable_harness"},
    "lamination press": {"pcb_fabrication"}, "welding": {"welding", "final_assembly"},
}


def test_equipment_matches_capabilities(sample: list[tuple[str, dict[str, Any]]]) -> None:
    for _, rec in sample:
        processes = {c["process"] for c in rec["capabilities"]}
        for word, needs in EQUIPMENT_NEEDS.items():
            if word in rec["equipment"]:
                assert processes & needs, (word, rec["equipment"], processes)


def test_specialists_keep_their_field_and_small_tools(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    for arch, rec in sample:
        if arch == "medical":
            assert "medical_welfare" in rec["product_fields"]
        if arch == "aero_machining":
            assert "aerospace" in rec["product_fields"]
        if arch == "design_house":
            for cap in rec["capabilities"]:
                if cap["process"].endswith("_printing"):
                    assert cap["max_lot"] <= 20


# --- distributions -------------------------------------------------------------------------

def test_country_shares_and_flags_match_the_documented_weights(
        sample: list[tuple[str, dict[str, Any]]]) -> None:
    records = [rec for _, rec in sample]
    n = len(records)
    counts = Counter(r["country"] for r in records)
    for country, weight in COUNTRY_WEIGHTS.items():
        assert abs(counts[country] / n - weight) < 0.025, (country, counts[country] / n)
    assert 0.55 <= sum(r["accepts_foreign"] for r in records) / n <= 0.68
    assert 0.42 <= sum(r["startup_friendly"] for r in records) / n <= 0.58
    assert 0.15 <= sum(r["rating"] is None for r in records) / n <= 0.35

    def median(country: str, field: str) -> float:
        return float(statistics.median(r[field] for r in records
                                       if r["country"] == country and r[field] is not None))

    assert median("CN", "reply_median_hours") < median("KR", "reply_median_hours") < median(
        "JP", "reply_median_hours")
    assert median("CN", "price_level") < median("KR", "price_level")
    assert median("VN", "price_level") < median("JP", "price_level")
    assert median("JP", "founded") < median("KR", "founded") < median("CN", "founded")


# --- validate_record ---------------------------------------------------------------------

def _valid() -> dict[str, Any]:
    return copy.deepcopy(next(generate_manufacturers(1, seed=2)))


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda r: r.update(stages=["prototyping", "warp_drive"]), "stages"),
    (lambda r: r["capabilities"][0].update(process="telepathy"), "capabilities[0].process"),
    (lambda r: r["capabilities"][0].update(materials=["unobtainium"]), "capabilities[0].materials"),
    (lambda r: r["capabilities"][0].update(min_lot=50, max_lot=10), "capabilities[0].min_lot"),
    (lambda r: r["capabilities"][0].update(min_lot=0), "capabilities[0].min_lot"),
    (lambda r: r["capabilities"][0].update(max_part_mm=[100, -5, 20]), "capabilities[0].max_part_mm"),
    (lambda r: r["capabilities"][0].update(max_part_mm=[100, 20]), "capabilities[0].max_part_mm"),
    (lambda r: r["capabilities"][0].update(tolerance_mm=-0.1), "capabilities[0].tolerance_mm"),
    (lambda r: r.update(lat=95.0), "lat"),
    (lambda r: r.update(lon=-181.0), "lon"),
    (lambda r: r.update(lat=None), "lat"),
    (lambda r: r.update(country="KR", region="JP-13", block="JP-KANTO"), "region"),
    (lambda r: r.update(region="KR-99"), "region"),
    (lambda r: r.update(country="ZZ"), "country"),
    (lambda r: r.update(region="KR-47", country="KR", block="KR-CAPITAL"), "block"),
    (lambda r: r.update(name=""), "name"),
    (lambda r: r.pop("region"), "region"),
    (lambda r: r.update(rating=5.5), "rating"),
    (lambda r: r.update(price_level=3.0), "price_level"),
    (lambda r: r.update(employees=True), "employees"),
    (lambda r: r.update(rating_count=-1), "rating_count"),
    (lambda r: r.update(accepts_foreign="yes"), "accepts_foreign"),
    (lambda r: r.update(kind="shop"), "kind"),
    (lambda r: r.update(slug="Bad Slug"), "slug"),
    (lambda r: r.update(languages=["ko", "ko"]), "languages"),
    (lambda r: r.update(certifications=["iso_9001", "iso_9999"]), "certifications"),
    (lambda r: r.update(website="ftp://x"), "website"),
    (lambda r: r.update(description={"fr": "bonjour"}), "description"),
    (lambda r: r.update(lat=float("nan")), "lat"),
])
def test_validate_record_names_the_faulty_field(mutate: Any, field: str) -> None:
    record = _valid()
    assert validate_record(record) == []
    mutate(record)
    problems = validate_record(record)
    assert field in [f for f, _ in problems], problems
    assert all(isinstance(reason, str) and reason for _, reason in problems)


JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                 st.text(max_size=5), st.lists(st.one_of(st.text(max_size=3), st.integers(),
                                                         st.lists(st.integers())), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
FIELDS = sorted(next(generate_manufacturers(1))) + ["capabilities.0"] + [
    f"capabilities.0.{k}" for k in ("process", "materials", "min_lot", "max_lot", "max_part_mm",
                                    "tolerance_mm", "lead_time_days")]


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(FIELDS), junk=JUNK)
def test_validate_record_never_raises_on_junk(field: str, junk: Any) -> None:
    record = _valid()
    if field == "capabilities.0":
        record["capabilities"][0] = junk
    elif field.startswith("capabilities.0."):
        record["capabilities"][0][field.rsplit(".", 1)[1]] = junk
    else:
        record[field] = junk
    problems = validate_record(record)
    assert all(isinstance(f, str) and isinstance(r, str) and r for f, r in problems)


@settings(max_examples=150, deadline=None)
@given(field_kind=st.sampled_from([("stages", "stage"), ("languages", "language"),
                                   ("certifications", "certification")]),
       data=st.data())
def test_code_list_check_agrees_with_the_reference(field_kind: tuple[str, str],
                                                   data: st.DataObject) -> None:
    field, kind = field_kind
    pool = [*taxonomy.codes(kind), "bogus", "", "KR"]
    values = data.draw(st.lists(st.sampled_from(pool), max_size=5))
    record = _valid()
    record[field] = values
    flagged = field in [f for f, _ in validate_record(record)]
    valid = set(taxonomy.codes(kind))
    assert flagged == (any(v not in valid for v in values) or len(set(values)) != len(values))


def test_validate_record_accepts_a_minimal_record_and_rejects_non_objects() -> None:
    assert validate_record({"name": "X", "country": "JP", "region": "JP-27"}) == []
    assert validate_record([]) == [("", "record must be an object")]  # type: ignore[arg-type, unused-ignore]
    problems = validate_record({})
    assert {f for f, _ in problems} == {"name", "country", "region"}


# --- maker spaces --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def maker_spaces() -> list[dict[str, Any]]:
    spaces: list[dict[str, Any]] = load_maker_spaces()
    return spaces


@pytest.fixture(scope="module")
def source_labs() -> list[dict[str, Any]]:
    text = resources.files("shisaku").joinpath("data", "fablabs_east_asia.json").read_text("utf-8")
    labs: list[dict[str, Any]] = json.loads(text)
    return labs


def test_maker_spaces_are_the_156_real_labs_all_valid(maker_spaces: list[dict[str, Any]]) -> None:
    assert len(maker_spaces) == 156
    assert len({m["slug"] for m in maker_spaces}) == 156
    for m in maker_spaces:
        assert validate_record(m) == [], m
        assert m["kind"] == "maker_space" and m["synthetic"] is False and m["id"] is None
        assert m["source"] == MAKER_SPACE_SOURCE and "CC BY 4.0" in m["source"]
        assert m["website"].startswith("https://www.fablabs.io/labs/")
        assert m["stages"] == ["business_design", "spec_review", "prototyping"]
        assert SLUG.match(m["slug"])
        for cap in m["capabilities"]:
            assert cap["max_lot"] <= 50
            assert max(cap["max_part_mm"]) <= 1000
        assert {c["process"] for c in m["capabilities"]} >= {
            "fdm_printing", "laser_cutting", "cnc_milling", "pcb_fabrication"}


def test_maker_spaces_are_stable(maker_spaces: list[dict[str, Any]]) -> None:
    assert load_maker_spaces() == maker_spaces


def test_maker_space_places(maker_spaces: list[dict[str, Any]],
                            source_labs: list[dict[str, Any]]) -> None:
    by_url = {m["website"]: m for m in maker_spaces}
    for lab in source_labs:
        m = by_url[lab["url"]]
        assert m["country"] == lab["country"]
        guessed = "Location guessed" in m["description"]["en"]
        if lab["latitude"] is None:
            assert guessed, m
        else:
            assert m["lat"] == pytest.approx(lab["latitude"], abs=1e-6)
            assert m["lon"] == pytest.approx(lab["longitude"], abs=1e-6)
    named = {m["name"]: m["region"] for m in maker_spaces}
    assert named["Fablab Songpa"] == "KR-11"
    assert named["Fablab Kamakura"] == "JP-14"
    assert named["FabLab DongGuan"] == "CN-GD"
    assert named["POSTECH Maker Campus"] == "KR-47"
    assert named["Ota Fab"] == "JP-13"
    # Beijing, Chengdu, Kaohsiung and Da Nang are listed regions too.
    beijing = next(m for m in maker_spaces if m["name"] == "Beijing Fablab")
    assert (beijing["region"], beijing["block"]) == ("CN-BJ", "CN-JJJ")
    assert "nearest listed region" not in beijing["description"]["en"]


# --- command line ----------------------------------------------------------------------------

def test_command_line_writes_records_and_timings(tmp_path: Any, capsys: Any) -> None:
    from shisaku.sampledata.cli import main

    out = tmp_path / "firms.json"
    assert main(["generate", "--n", "5", "--seed", "3", "--start-id", "10", "--out", str(out)]) == 0
    records = json.loads(out.read_text("utf-8"))
    assert records == list(generate_manufacturers(5, seed=3, start_id=10))
    assert main(["time", "--n", "50"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["n"] == 50 and figures["seconds"] >= 0
