"""The taxonomy: stable codes of ARCHITECTURE.md, labels in three languages, regions."""

from __future__ import annotations

import re

import pytest

from shisaku import taxonomy

STAGES = ["business_design", "spec_review", "prototyping", "dfm", "small_lot", "mass_production"]
PROCESSES_AT_LEAST = [
    "industrial_design", "mechanical_design", "circuit_design", "firmware", "cnc_milling",
    "cnc_turning", "sheet_metal", "laser_cutting", "welding", "mold_making",
    "injection_molding", "die_casting", "urethane_casting", "fdm_printing", "sla_printing",
    "sls_printing", "mjf_printing", "metal_printing", "pcb_fabrication", "pcb_assembly",
    "cable_harness", "surface_finishing", "final_assembly", "reliability_testing",
    "certification_support",
]


def test_stable_codes() -> None:
    assert list(taxonomy.codes("stage")) == STAGES
    assert list(taxonomy.codes("product_field")) == ["iot_ict", "robotics_machinery",
                                                     "medical_welfare", "aerospace", "other"]
    assert list(taxonomy.codes("technology")) == ["mechanism", "electric", "software", "other"]
    assert set(PROCESSES_AT_LEAST) <= set(taxonomy.codes("process"))
    assert {"aluminum_6061", "pa12", "fr4", "resin_tough"} <= set(taxonomy.codes("material"))
    assert {"iso_13485", "as9100", "kc", "pse"} <= set(taxonomy.codes("certification"))


@pytest.mark.parametrize("kind", ["stage", "product_field", "technology", "process", "material",
                                  "certification", "country", "language", "block"])
def test_every_code_has_three_labels(kind: str) -> None:
    for term in taxonomy.terms(kind):
        for lang in taxonomy.LANGUAGES:
            assert term.labels.get(lang), (kind, term.code, lang)


def test_processes_map_to_technologies_and_materials_to_families() -> None:
    techs = set(taxonomy.codes("technology"))
    assert all(p.group in techs for p in taxonomy.PROCESSES)
    assert {p.code: p.group for p in taxonomy.PROCESSES}["firmware"] == "software"
    assert all(m.group in taxonomy.MATERIAL_FAMILIES for m in taxonomy.MATERIALS)
    assert all(p.family in taxonomy.PROCESS_FAMILIES for p in taxonomy.PROCESSES)


def test_regions_blocks_and_centroids() -> None:
    r = taxonomy.region("KR-47")
    assert (r.country, r.block) == ("KR", "KR-DAEGYEONG")
    assert taxonomy.region("JP-26").block == "JP-KANSAI"
    assert taxonomy.region("CN-GD").block == "CN-PRD"
    assert {b.split("-")[0] for b in taxonomy.BLOCKS} == {"JP", "KR", "CN", "TW", "VN"}
    assert all(reg.block in taxonomy.BLOCKS for reg in taxonomy.REGIONS.values())
    lat, lon = taxonomy.region_centroid("KR-11")
    assert 37 < lat < 38 and 126 < lon < 128
    assert taxonomy.label("region", "KR-11", "ko") == "서울특별시"
    assert taxonomy.label("block", "JP-KANSAI", "ja") == "関西(近畿)"


def test_unknown_codes_name_the_valid_ones() -> None:
    with pytest.raises(taxonomy.UnknownCodeError) as err:
        taxonomy.validate_codes("process", ["cnc_milling", "laser_welding"])
    assert err.value.unknown == ["laser_welding"]
    assert "cnc_milling" in err.value.valid
    with pytest.raises(taxonomy.UnknownCodeError):
        taxonomy.region("KR-99")


def test_public_api_is_declared() -> None:
    for name in taxonomy.__all__:
        assert hasattr(taxonomy, name)


def test_every_region_has_a_korean_and_a_japanese_name() -> None:
    """A Korean reader saw "Hokkaido" and a Japanese reader "Seoul" and "广东省" (simplified
    Chinese) on the insights map table: each region is named in each language."""
    hangul = re.compile(r"[\uac00-\ud7a3]")
    kana_or_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for code, region in taxonomy.REGIONS.items():
        assert hangul.search(taxonomy.label("region", code, "ko")), code
        assert kana_or_kanji.search(taxonomy.label("region", code, "ja")), code
    assert taxonomy.label("region", "KR-11", "ja") == "ソウル特別市"
    assert taxonomy.label("region", "CN-GD", "ja") == "広東省 (深圳)"
    assert taxonomy.label("region", "JP-01", "ko") == "홋카이도"
