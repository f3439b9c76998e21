"""Loads the taxonomy tables shipped in ``data/`` once, at import, into immutable terms."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("ko", "en", "ja")


@dataclass(frozen=True, slots=True)
class Term:
    """One code of a taxonomy kind with its labels in ko / en / ja.

    ``group`` is the kind-specific parent: a process's technology, a material's family.
    ``family`` is a process's spec family (what a manufacturer needs to quote it).
    """

    kind: str
    code: str
    labels: Mapping[str, str]
    group: str = ""
    family: str = ""

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True, slots=True)
class Block:
    """A macro-region (e.g. ``JP-KANSAI``, ``KR-DAEGYEONG``) grouping regions of one country."""

    code: str
    country: str
    labels: Mapping[str, str]

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True, slots=True)
class Region:
    """A prefecture / province (ISO 3166-2) with one representative coordinate."""

    code: str
    country: str
    block: str
    lat: float
    lon: float
    name_en: str
    name_local: str
    point: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.name_en


class UnknownCodeError(ValueError):
    """A code that the taxonomy does not know; carries the valid ones for the error message."""

    def __init__(self, kind: str, unknown: Iterable[str], valid: Iterable[str]) -> None:
        self.kind = kind
        self.unknown = sorted(set(unknown))
        self.valid = sorted(valid)
        super().__init__(
            f"unknown {kind} code(s): {', '.join(self.unknown)}; valid: {', '.join(self.valid)}"
        )


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("shisaku.taxonomy").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


# Material families are ours (the CSV lists the codes only); they drive the spec builder and
# the cost models' material tables.
_MATERIAL_FAMILY: dict[str, str] = {
    "aluminum_6061": "metal", "aluminum_7075": "metal", "stainless_304": "metal",
    "stainless_316": "metal", "mild_steel": "metal", "tool_steel": "metal", "brass": "metal",
    "copper": "metal", "titanium": "metal", "aluminum_adc12": "metal", "zinc_zamak3": "metal",
    "abs": "plastic", "pc": "plastic", "pp": "plastic", "pa6": "plastic", "pa66": "plastic",
    "pom": "plastic", "pmma": "plastic", "petg": "plastic", "pla": "plastic", "peek": "plastic",
    "pa12": "plastic",
    "tpu": "elastomer", "silicone": "elastomer",
    "resin_standard": "photopolymer", "resin_tough": "photopolymer",
    "fr4": "laminate",
}

MATERIAL_FAMILIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "metal": {"en": "Metals", "ko": "금속", "ja": "金属"},
    "plastic": {"en": "Plastics", "ko": "플라스틱", "ja": "プラスチック"},
    "elastomer": {"en": "Elastomers", "ko": "엘라스토머", "ja": "エラストマー"},
    "photopolymer": {"en": "Photopolymer resins", "ko": "광경화 레진", "ja": "光硬化性樹脂"},
    "laminate": {"en": "Laminates", "ko": "적층판", "ja": "積層板"},
})

# Spec families: processes that need the same information from a startup to be quoted.
_PROCESS_FAMILY: dict[str, str] = {
    "industrial_design": "design", "mechanical_design": "design", "circuit_design": "electronics",
    "firmware": "software",
    "cnc_milling": "machining", "cnc_turning": "machining",
    "sheet_metal": "sheet_metal", "laser_cutting": "sheet_metal", "welding": "sheet_metal",
    "mold_making": "molding_casting", "injection_molding": "molding_casting",
    "die_casting": "molding_casting", "urethane_casting": "molding_casting",
    "fdm_printing": "additive", "sla_printing": "additive", "sls_printing": "additive",
    "mjf_printing": "additive", "metal_printing": "additive",
    "pcb_fabrication": "electronics", "pcb_assembly": "electronics",
    "cable_harness": "electronics",
    "surface_finishing": "machining",
    "final_assembly": "assembly_testing", "reliability_testing": "assembly_testing",
    "certification_support": "assembly_testing",
}

PROCESS_FAMILIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "design": {"en": "Design", "ko": "설계·디자인", "ja": "設計・デザイン"},
    "machining": {"en": "Machining", "ko": "절삭 가공", "ja": "切削加工"},
    "sheet_metal": {"en": "Sheet metal", "ko": "판금", "ja": "板金"},
    "molding_casting": {"en": "Moulding / casting", "ko": "성형·주조", "ja": "成形・鋳造"},
    "additive": {"en": "Additive (3D printing)", "ko": "적층 제조(3D 프린팅)",
                 "ja": "積層造形（3Dプリント）"},
    "electronics": {"en": "Electronics", "ko": "전자(PCB)", "ja": "電子（基板）"},
    "software": {"en": "Firmware / software", "ko": "펌웨어·소프트웨어",
                 "ja": "ファームウェア・ソフトウェア"},
    "assembly_testing": {"en": "Assembly and testing", "ko": "조립·시험", "ja": "組立・試験"},
})

COUNTRIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "KR": {"en": "Korea", "ko": "한국", "ja": "韓国"},
    "JP": {"en": "Japan", "ko": "일본", "ja": "日本"},
    "CN": {"en": "China", "ko": "중국", "ja": "中国"},
    "TW": {"en": "Taiwan", "ko": "대만", "ja": "台湾"},
    "VN": {"en": "Vietnam", "ko": "베트남", "ja": "ベトナム"},
    "US": {"en": "United States", "ko": "미국", "ja": "アメリカ"},
    "DE": {"en": "Germany", "ko": "독일", "ja": "ドイツ"},
    "FR": {"en": "France", "ko": "프랑스", "ja": "フランス"},
    "GB": {"en": "United Kingdom", "ko": "영국", "ja": "イギリス"},
    "SG": {"en": "Singapore", "ko": "싱가포르", "ja": "シンガポール"},
    "TH": {"en": "Thailand", "ko": "태국", "ja": "タイ"},
    "IN": {"en": "India", "ko": "인도", "ja": "インド"},
    "IL": {"en": "Israel", "ko": "이스라엘", "ja": "イスラエル"},
    "CA": {"en": "Canada", "ko": "캐나다", "ja": "カナダ"},
    "AU": {"en": "Australia", "ko": "호주", "ja": "オーストラリア"},
})

# Languages a firm can work in (ISO 639-1), labelled in the three interface languages.
SPOKEN_LANGUAGES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "ko": {"en": "Korean", "ko": "한국어", "ja": "韓国語"},
    "ja": {"en": "Japanese", "ko": "일본어", "ja": "日本語"},
    "en": {"en": "English", "ko": "영어", "ja": "英語"},
    "zh": {"en": "Chinese", "ko": "중국어", "ja": "中国語"},
    "vi": {"en": "Vietnamese", "ko": "베트남어", "ja": "ベトナム語"},
})


def _load_terms() -> dict[str, tuple[Term, ...]]:
    by_kind: dict[str, list[Term]] = {}
    for row in _rows("taxonomy_labels.csv"):
        kind, code = row["kind"], row["code"]
        group = row.get("technology") or ""
        family = ""
        if kind == "material":
            group = _MATERIAL_FAMILY[code]
        if kind == "process":
            family = _PROCESS_FAMILY[code]
        labels = MappingProxyType({lang: row[lang] for lang in LANGUAGES})
        by_kind.setdefault(kind, []).append(Term(kind, code, labels, group, family))
    for kind, values in (("country", COUNTRIES), ("language", SPOKEN_LANGUAGES)):
        by_kind[kind] = [Term(kind, code, MappingProxyType(dict(lab))) for code, lab in
                         values.items()]
    return {kind: tuple(ts) for kind, ts in by_kind.items()}


def _load_blocks() -> dict[str, Block]:
    blocks = {}
    for row in _rows("region_blocks.csv"):
        labels = MappingProxyType({"en": row["name_en"], "ko": row["name_ko"],
                                   "ja": row["name_ja"]})
        blocks[row["block"]] = Block(row["block"], row["block"].split("-")[0], labels)
    return blocks


def _load_regions() -> dict[str, Region]:
    regions = {}
    for row in _rows("regions.csv"):
        country = row["country"]
        labels = {"en": row["name_en"], "ko": row["name_ko"], "ja": row["name_ja"]}
        regions[row["code"]] = Region(
            code=row["code"], country=country, block=row["block"], lat=float(row["lat"]),
            lon=float(row["lon"]), name_en=row["name_en"], name_local=row["name_local"],
            point=row["point"], labels=MappingProxyType(labels),
        )
    return regions


_TERMS = _load_terms()
KINDS: tuple[str, ...] = tuple(_TERMS)
STAGES: tuple[Term, ...] = _TERMS["stage"]
PRODUCT_FIELDS: tuple[Term, ...] = _TERMS["product_field"]
TECHNOLOGIES: tuple[Term, ...] = _TERMS["technology"]
PROCESSES: tuple[Term, ...] = _TERMS["process"]
MATERIALS: tuple[Term, ...] = _TERMS["material"]
CERTIFICATIONS: tuple[Term, ...] = _TERMS["certification"]
BLOCKS: Mapping[str, Block] = MappingProxyType(_load_blocks())
REGIONS: Mapping[str, Region] = MappingProxyType(_load_regions())
_INDEX: dict[str, dict[str, Term]] = {k: {t.code: t for t in ts} for k, ts in _TERMS.items()}


def terms(kind: str) -> tuple[Term, ...]:
    """All terms of a kind in their canonical order (stages in pipeline order)."""
    if kind == "region":
        return tuple(Term("region", r.code, r.labels, r.block) for r in REGIONS.values())
    if kind == "block":
        return tuple(Term("block", b.code, b.labels, b.country) for b in BLOCKS.values())
    try:
        return _TERMS[kind]
    except KeyError:
        raise UnknownCodeError("taxonomy kind", [kind], [*_TERMS, "region", "block"]) from None


def codes(kind: str) -> tuple[str, ...]:
    """The codes of a kind, in canonical order."""
    return tuple(t.code for t in terms(kind))


def label(kind: str, code: str, lang: str = "en") -> str:
    """The label of a code in ``lang`` (falls back to English, then to the code itself)."""
    if kind == "region":
        r = REGIONS.get(code)
        return r.label(lang) if r else code
    if kind == "block":
        b = BLOCKS.get(code)
        return b.label(lang) if b else code
    term = _INDEX.get(kind, {}).get(code)
    return term.label(lang) if term else code


def validate_codes(kind: str, values: Iterable[str]) -> list[str]:
    """Return ``values`` as a list, or raise :class:`UnknownCodeError` naming the bad ones."""
    values = list(values)
    valid = set(codes(kind))
    unknown = [v for v in values if v not in valid]
    if unknown:
        raise UnknownCodeError(kind, unknown, valid)
    return values


def region(code: str) -> Region:
    """The region of an ISO 3166-2 code; :class:`UnknownCodeError` when there is none."""
    try:
        return REGIONS[code]
    except KeyError:
        raise UnknownCodeError("region", [code], REGIONS) from None


def region_centroid(code: str) -> tuple[float, float]:
    """(lat, lon) of a region's representative point, in degrees."""
    r = region(code)
    return (r.lat, r.lon)
