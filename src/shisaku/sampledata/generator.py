"""Deterministic generator of synthetic, coherent manufacturer records for demos and benchmarks.

One ``random.Random(seed)`` stream is consumed record after record, so the first k records
of ``generate_manufacturers(1000)`` equal ``generate_manufacturers(k)`` and ``start_id`` only
shifts ids and slugs. Everything costly (weight tables, labels, masks, name pieces) is
precomputed at import; a record costs a few dozen random draws and dict/list builds.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from statistics import NormalDist
from typing import Any

from shisaku import taxonomy
from shisaku.sampledata._archetypes import (
    ARCHETYPES,
    MASS_LOT,
    PROCESS_SPECS,
    PROCESS_STAGES,
    PRODUCT_FIELD_CODES,
    PROTO_LOT,
    SMALL_LOT,
    SMALL_LOT_REACH,
    Archetype,
)
from shisaku.sampledata._geo import CLUSTERS, COUNTRY_WEIGHTS, LOCAL_LANGUAGE, Cluster
from shisaku.sampledata._names import BRANDS, INDUSTRY_WORDS, LEGAL_FORMS, Piece, slugify

GENERATOR_VERSION = "v1"
KM_PER_DEG = 111.195

_STAGES = taxonomy.codes("stage")
_TECHS = taxonomy.codes("technology")
_PROCESS_ORDER = {code: i for i, code in enumerate(taxonomy.codes("process"))}
_PROCESS_TECH = {t.code: t.group for t in taxonomy.PROCESSES}
_STAGE_BIT = {code: 1 << i for i, code in enumerate(_STAGES)}
_TECH_BIT = {code: 1 << i for i, code in enumerate(_TECHS)}
_FIELD_BIT = {code: 1 << i for i, code in enumerate(PRODUCT_FIELD_CODES)}
_STAGE_LISTS = tuple(tuple(s for s in _STAGES if m & _STAGE_BIT[s]) for m in range(1 << len(_STAGES)))
_TECH_LISTS = tuple(tuple(t for t in _TECHS if m & _TECH_BIT[t]) for m in range(1 << len(_TECHS)))
_FIELD_LISTS = tuple(tuple(f for f in PRODUCT_FIELD_CODES if m & _FIELD_BIT[f])
                     for m in range(1 << len(PRODUCT_FIELD_CODES)))


@dataclass(frozen=True, slots=True)
class _CountryTraits:
    """Per-country behaviour of the generator.

    ``reply_hours``: median reply time (log-normal, sigma 0.8); ``english``: share of firms
    working in English; ``price``: factor on price_level; ``founded``: (median year, sd).
    """

    reply_hours: float
    english: float
    price: float
    founded: tuple[int, int]


_COUNTRY = {
    "KR": _CountryTraits(5.0, 0.42, 1.0, (1999, 12)),
    "JP": _CountryTraits(9.0, 0.30, 1.05, (1975, 20)),
    "CN": _CountryTraits(2.0, 0.55, 0.88, (2008, 7)),
    "TW": _CountryTraits(4.0, 0.60, 0.97, (1994, 12)),
    "VN": _CountryTraits(4.5, 0.60, 0.85, (2011, 6)),
}
# Second and third languages besides the local one and English: (code, probability).
_EXTRA_LANGS = {
    "KR": (("ja", 0.10), ("zh", 0.06)),
    "JP": (("ko", 0.04), ("zh", 0.06)),
    "CN": (("ja", 0.06), ("ko", 0.04)),
    "TW": (("ja", 0.20),),
    "VN": (("ko", 0.12), ("ja", 0.10), ("zh", 0.08)),
}
# Archetypes that seldom supply carmakers directly (shrinks the cluster's automotive share).
_NON_AUTOMOTIVE = {"design_house", "electronics_design", "print_bureau", "rapid_proto",
                   "test_lab", "medical", "aero_machining"}
# Envelope scale per firm size (small < 20 staff, mid < 100, large) and standard machine steps.
_SIZE_SCALE = (0.7, 1.0, 1.6)
_ENVELOPE_STEPS = (0.8, 1.0, 1.25)
# Standard normal deviates by table look-up (one uniform draw each): ~4x faster than
# random.gauss; the table's 4,096 quantiles reach +-3.5 sigma, enough for sample data.
_NORMAL_SIZE = 4096
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / _NORMAL_SIZE) for i in range(_NORMAL_SIZE))
_PROCESS_LABELS = {lang: {t.code: t.label(lang) for t in taxonomy.PROCESSES}
                   for lang in ("en", "ko", "ja")}


@dataclass(frozen=True, slots=True)
class _Cap:
    """An archetype's process, with its materials and option tables resolved."""

    process: str
    materials: tuple[str, ...]
    optional_materials: tuple[str, ...]
    min_lots: tuple[tuple[int, ...], ...]  # [size] -> options
    max_lots: tuple[tuple[int, ...], ...]
    envelopes: tuple[tuple[tuple[int, int, int], ...], ...] | None  # [size][step]
    tolerances: tuple[tuple[float, ...], ...] | None
    lead_lo: int
    lead_span: int
    stage_bits: int
    proto_bit: int
    small_bit: int
    mass_bit: int
    tech_bit: int


@dataclass(frozen=True, slots=True)
class _Arch:
    spec: Archetype
    caps: tuple[tuple[_Cap, float], ...]  # canonical process order; core ones with p = 1
    field_cum: tuple[float, ...]
    primary_field_bits: int
    extra_stage_bits: int
    equipment: tuple[tuple[str, str], ...]  # (process or "", text)


def _sized(options: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """Options per firm size: small firms draw from the lower half, large from the upper.

    Options are ordered small shop -> large plant; size 0 / 1 / 2 take the slices starting at
    0, n/4 and n/2 of length n/2 (at least one option each).
    """
    n = len(options)
    out = []
    for size in range(3):
        lo = min(n - 1, size * n // 4)
        hi = max(lo + 1, min(n, (size + 2) * n // 4))
        out.append(tuple(options[lo:hi]))
    return tuple(out)


def _round_dim(mm: float) -> int:
    return max(1, round(mm / 10) * 10) if mm >= 50 else max(1, round(mm))


def _resolve_cap(arch: Archetype, process: str) -> _Cap:
    spec = PROCESS_SPECS[process]
    core, optional = arch.materials.get(process, (spec.materials, spec.optional_materials))
    min_lots, max_lots = arch.lots.get(process, (spec.min_lots, spec.max_lots))
    optional = tuple(m for m in optional if m not in core)
    envelopes = None
    if spec.envelope is not None:
        envelopes = tuple(
            tuple((_round_dim(spec.envelope[0] * s * k), _round_dim(spec.envelope[1] * s * k),
                   _round_dim(spec.envelope[2] * s * k)) for k in _ENVELOPE_STEPS)
            for s in _SIZE_SCALE)
    stages = PROCESS_STAGES[process]
    conditional = {"prototyping", "small_lot", "mass_production"}
    bits = 0
    for stage in stages:
        if stage not in conditional:
            bits |= _STAGE_BIT[stage]
    return _Cap(
        process=process, materials=core, optional_materials=optional,
        min_lots=_sized(min_lots), max_lots=_sized(max_lots), envelopes=envelopes,
        tolerances=None if spec.tolerances is None else _sized(spec.tolerances),
        lead_lo=spec.lead_days[0], lead_span=spec.lead_days[1] - spec.lead_days[0] + 1, stage_bits=bits,
        proto_bit=_STAGE_BIT["prototyping"] if "prototyping" in stages else 0,
        small_bit=_STAGE_BIT["small_lot"] if "small_lot" in stages else 0,
        mass_bit=_STAGE_BIT["mass_production"] if "mass_production" in stages else 0,
        tech_bit=_TECH_BIT[_PROCESS_TECH[process]],
    )


def _resolve_arch(arch: Archetype) -> _Arch:
    probs = {p: 1.0 for p in arch.core} | dict(arch.optional)
    ordered = sorted(probs, key=lambda p: _PROCESS_ORDER[p])
    caps = tuple((_resolve_cap(arch, p), probs[p]) for p in ordered)
    extra = 0
    for stage in arch.extra_stages:
        extra |= _STAGE_BIT[stage]
    equipment = tuple((line.split(":", 1)[0], line.split(":", 1)[1]) if ":" in line
                      else ("", line) for line in arch.equipment)
    primary = _FIELD_BIT[arch.primary_field] if arch.primary_field else 0
    return _Arch(arch, caps, tuple(accumulate(arch.fields)), primary, extra, equipment)


_ARCHS = {a.code: _resolve_arch(a) for a in ARCHETYPES}


@dataclass(frozen=True, slots=True)
class _Site:
    cluster: Cluster
    country: str
    block: str
    region_en: str
    region_ko: str
    region_ja: str
    city_ko: str
    city_ja: str
    city_slug: str
    sig_lat: float
    sig_lon: float
    archs: tuple[_Arch, ...]
    arch_cum: tuple[float, ...]


def _build_sites() -> tuple[tuple[_Site, ...], tuple[float, ...]]:
    sites: list[_Site] = []
    weights: list[float] = []
    for country, clusters in CLUSTERS.items():
        total = sum(c.weight for c in clusters)
        for c in clusters:
            region = taxonomy.region(c.region)
            archs = tuple(_ARCHS.values())
            arch_w = [a.spec.weight * (3.0 if a.spec.code in c.favoured else 1.0) for a in archs]
            sites.append(_Site(
                cluster=c, country=country, block=region.block, region_en=region.label("en"),
                region_ko=region.label("ko"), region_ja=region.label("ja"),
                city_ko=c.city_local if country == "KR" else c.city,
                city_ja=c.city_local if country in ("JP", "CN", "TW") else c.city,
                city_slug=slugify(c.city),
                sig_lat=c.sigma_km / KM_PER_DEG,
                sig_lon=c.sigma_km / (KM_PER_DEG * math.cos(math.radians(c.lat))),
                archs=archs, arch_cum=tuple(accumulate(arch_w)),
            ))
            weights.append(COUNTRY_WEIGHTS[country] * c.weight / total)
    return tuple(sites), tuple(accumulate(weights))


_SITES, _SITE_CUM = _build_sites()
_LEGAL_CUM = {c: tuple(accumulate(w for _, _, w in forms)) for c, forms in LEGAL_FORMS.items()}


def _name(rng: random.Random, site: _Site, arch: _Arch, firm_id: int) -> tuple[str, str, str]:
    country = site.country
    r = rng.random
    brands = BRANDS[country]
    b: Piece = brands[int(r() * len(brands))]
    kinds = arch.spec.name_kinds
    words = INDUSTRY_WORDS[country][kinds[int(r() * len(kinds))]]
    s: Piece = words[int(r() * len(words))]
    forms = LEGAL_FORMS[country]
    cum = _LEGAL_CUM[country]
    local_t, latin_t, _ = forms[bisect_right(cum, r() * cum[-1])]
    c = site.cluster
    local = local_t.format(b=b[0], s=s[0], c=c.city_local)
    latin = latin_t.format(B=b[1], S=s[1], C=c.city)
    if country == "CN":
        slug = f"{site.city_slug}-{b[2]}-{s[2]}-{firm_id}"
    else:
        slug = f"{b[2]}-{s[2]}-{firm_id}"
    return latin, local, slug


def _certifications(r: Any, arch: _Arch, country: str, size: int, field_mask: int,
                    automotive: bool) -> list[str]:
    p = arch.spec.certs
    size_shift = (-0.15, 0.05, 0.2)[size]
    out: list[str] = []
    medical = field_mask & _FIELD_BIT["medical_welfare"]
    aero = field_mask & _FIELD_BIT["aerospace"]
    iso13485 = r() < (p.get("iso_13485", 0.0) or (0.15 if medical else 0.005))
    as9100 = r() < (p.get("as9100", 0.0) or (0.12 if aero else 0.003))
    # IATF 16949 certifies production sites, so design, test and print services never hold it.
    iatf = automotive and arch.spec.code not in _NON_AUTOMOTIVE and r() < (0.35, 0.5, 0.7)[size]
    # ISO 13485, AS9100 and IATF 16949 are built on ISO 9001; holders keep both certificates.
    if iso13485 or as9100 or iatf or r() < p.get("iso_9001", 0.3) + size_shift:
        out.append("iso_9001")
    if r() < p.get("iso_14001", 0.1) + size_shift:
        out.append("iso_14001")
    if iso13485:
        out.append("iso_13485")
    if as9100:
        out.append("as9100")
    if iatf:
        out.append("iatf_16949")
    if r() < p.get("ul", 0.0):
        out.append("ul")
    if r() < p.get("ce", 0.0):
        out.append("ce")
    electronics = arch.spec.electronics
    if country == "KR" and electronics and r() < 0.45:
        out.append("kc")
    if country == "JP" and electronics and r() < 0.3:
        out.append("pse")
    if r() < p.get("rohs", 0.0):
        out.append("rohs")
    return out


# "Main processes: ..." in en / ko / ja per process combination (a few hundred occur).
_PROCESS_LISTS: dict[tuple[str, ...], tuple[str, str, str]] = {}


def _description(site: _Site, arch: _Arch, name: str, name_local: str,
                 processes: tuple[str, ...],
                 founded: int | None, employees: int | None, automotive: bool,
                 startup_friendly: bool) -> dict[str, str]:
    label = arch.spec.label
    c = site.cluster
    article = "an" if label["en"][0] in "aeiou" else "a"
    en = [f"{name} is {article} {label['en']} in {c.city}, {site.region_en}."]
    ko_name = name_local if site.country == "KR" else name
    ja_name = name_local if site.country in ("JP", "CN", "TW") else name
    ko = [f"{ko_name}은(는) {site.city_ko}({site.region_ko})에 있는 {label['ko']}입니다."]
    ja = [f"{ja_name}は{site.city_ja}（{site.region_ja}）の{label['ja']}です。"]
    if founded is not None and employees is not None:
        en.append(f"Founded in {founded}, about {employees} staff.")
        ko.append(f"{founded}년 설립, 직원 약 {employees}명.")
        ja.append(f"{founded}年設立、従業員約{employees}名。")
    lists = _PROCESS_LISTS.get(processes)
    if lists is None:
        lists = _PROCESS_LISTS[processes] = (
            "Main processes: " + ", ".join(_PROCESS_LABELS["en"][p] for p in processes) + ".",
            "주요 공정: " + ", ".join(_PROCESS_LABELS["ko"][p] for p in processes) + ".",
            "主な工程：" + "、".join(_PROCESS_LABELS["ja"][p] for p in processes) + "。")
    en.append(lists[0])
    ko.append(lists[1])
    ja.append(lists[2])
    if automotive:
        en.append("Supplies the automotive industry.")
        ko.append("자동차 부품을 납품합니다.")
        ja.append("自動車部品を納入しています。")
    if startup_friendly:
        en.append("Welcomes startups and small first orders.")
        ko.append("스타트업과 소량 첫 주문을 환영합니다.")
        ja.append("スタートアップや少量の初回注文を歓迎します。")
    en.append("(Synthetic sample data.)")
    ko.append("(합성 샘플 데이터)")
    ja.append("（合成サンプルデータ）")
    return {"en": " ".join(en), "ko": " ".join(ko), "ja": "".join(ja)}


# Equipment lines an archetype may list for a given process combination (cached).
_EQUIPMENT_LINES: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def _equipment(r: Any, arch: _Arch, size: int, processes: tuple[str, ...]) -> str:
    key = (arch.spec.code, processes)
    items = _EQUIPMENT_LINES.get(key)
    if items is None:
        items = _EQUIPMENT_LINES[key] = tuple(
            text for process, text in arch.equipment if not process or process in processes)
    if not items:
        return ""
    count = 2 + int(r() * 3)
    start = int(r() * len(items))
    n_max = (4, 8, 20)[size]
    parts = []
    for j in range(min(count, len(items))):
        text = items[(start + j) % len(items)]
        if "{" in text:
            text = text.replace("{n}", str(2 + int(r() * (n_max - 1))))
            text = text.replace("{k}", str(1 + int(r() * (2 + size))))
        parts.append(text)
    return ", ".join(parts)


def generate_manufacturers(n: int, *, seed: int = 7, start_id: int = 1) -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic manufacturer records (the format of the export JSON).

    Deterministic: the same ``seed`` gives the same records, and record i does not depend on
    ``n``. ``start_id`` is the id of the first record; ids and slugs count up from it.
    Every record has ``synthetic: True`` and a ``source`` naming the generator and seed.

    Example::

        >>> first = next(generate_manufacturers(1, seed=7))
        >>> first["synthetic"], first["id"]
        (True, 1)
    """
    for _archetype, record in generate_with_archetypes(n, seed=seed, start_id=start_id):
        yield record


def generate_with_archetypes(n: int, *, seed: int = 7,
                             start_id: int = 1) -> Iterator[tuple[str, dict[str, Any]]]:
    """Like :func:`generate_manufacturers`, yielding ``(archetype code, record)`` pairs.

    The archetype is not part of the record format; tests and docs use it to check coherence.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    r = rng.random
    normal = _NORMAL
    normal_size = _NORMAL_SIZE
    exp = math.exp
    source = f"shisaku sample generator {GENERATOR_VERSION} (seed {seed})"
    sites, site_cum = _SITES, _SITE_CUM
    site_total = site_cum[-1]
    proto_lot, small_lot, small_reach, mass_lot = PROTO_LOT, SMALL_LOT, SMALL_LOT_REACH, MASS_LOT
    field_lists, stage_lists, tech_lists = _FIELD_LISTS, _STAGE_LISTS, _TECH_LISTS
    for i in range(n):
        firm_id = start_id + i
        site = sites[bisect_right(site_cum, r() * site_total)]
        country = site.country
        cinfo = _COUNTRY[country]
        arch = site.archs[bisect_right(site.arch_cum, r() * site.arch_cum[-1])]
        spec = arch.spec
        c = site.cluster

        # Place: Gaussian scatter around the cluster point, clipped at 2.5 sigma.
        dy = normal[int(r() * normal_size)]
        dx = normal[int(r() * normal_size)]
        dy = 2.5 if dy > 2.5 else (-2.5 if dy < -2.5 else dy)
        dx = 2.5 if dx > 2.5 else (-2.5 if dx < -2.5 else dx)
        lat = round(c.lat + dy * site.sig_lat, 5)
        lon = round(c.lon + dx * site.sig_lon, 5)

        employees = int(spec.employees * exp(0.9 * normal[int(r() * normal_size)])) + 1
        employees = min(employees, 5000)
        size = 0 if employees < 20 else (1 if employees < 100 else 2)

        caps_spec = [cp for cp, prob in arch.caps if prob >= 1.0 or r() < prob]

        stage_mask = arch.extra_stage_bits
        tech_mask = 0
        capabilities = []
        for cp in caps_spec:
            mats = list(cp.materials)
            for m in cp.optional_materials:
                if r() < 0.35:
                    mats.append(m)
            options = cp.min_lots[size]
            min_lot = options[int(r() * len(options))]
            options = cp.max_lots[size]
            max_lot = options[int(r() * len(options))]
            if max_lot < min_lot:
                max_lot = min_lot
            envelope = None
            if cp.envelopes is not None:
                envelope = list(cp.envelopes[size][int(r() * 3)])
            tolerance = None
            if cp.tolerances is not None:
                tol_options = cp.tolerances[size]
                tolerance = tol_options[int(r() * len(tol_options))]
            capabilities.append({
                "process": cp.process, "materials": mats, "min_lot": min_lot,
                "max_lot": max_lot, "max_part_mm": envelope, "tolerance_mm": tolerance,
                "lead_time_days": cp.lead_lo + int(r() * cp.lead_span),
            })
            stage_mask |= cp.stage_bits
            if min_lot <= proto_lot:
                stage_mask |= cp.proto_bit
            if min_lot <= small_lot and max_lot >= small_reach:
                stage_mask |= cp.small_bit
            if max_lot >= mass_lot:
                stage_mask |= cp.mass_bit
            tech_mask |= cp.tech_bit
        processes = tuple(cp.process for cp in caps_spec)

        # Product fields: one by archetype weight, a second and a third sometimes.
        fcum = arch.field_cum
        field_mask = arch.primary_field_bits | 1 << bisect_right(fcum, r() * fcum[-1])
        if r() < 0.45:
            field_mask |= 1 << bisect_right(fcum, r() * fcum[-1])
        if r() < 0.15:
            field_mask |= 1 << bisect_right(fcum, r() * fcum[-1])
        automotive = r() < c.automotive * (0.15 if spec.code in _NON_AUTOMOTIVE else 1.0)
        # The taxonomy has no automotive field: car-industry suppliers count it as "other".
        if automotive and field_mask.bit_count() < 3:
            field_mask |= _FIELD_BIT["other"]
        product_fields = list(field_lists[field_mask])
        certifications = _certifications(r, arch, country, size, field_mask, automotive)

        local = LOCAL_LANGUAGE[country]
        languages = [local]
        english = r() < cinfo.english + (0.0, 0.1, 0.25)[size]
        if english:
            languages.append("en")
        for lang, prob in _EXTRA_LANGS[country]:
            if r() < prob:
                languages.append(lang)
        accepts_foreign = r() < (0.85 if english else 0.4)
        startup_friendly = r() < spec.startup_friendly

        reply = None
        if r() >= 0.04:
            reply = round(max(0.2, cinfo.reply_hours * exp(0.8 * normal[int(r() * normal_size)])), 1)
        rating = None
        rating_count = 0
        if r() >= 0.25:
            g = 4.1 + 0.45 * normal[int(r() * normal_size)]
            rating = round(1.0 if g < 1.0 else (5.0 if g > 5.0 else g), 1)
            rating_count = min(500, 1 + int(exp(1.8 + normal[int(r() * normal_size)])))
        sp = int(exp((1.5 if startup_friendly else 0.0) + normal[int(r() * normal_size)])) - (0 if startup_friendly else 1)
        startup_projects = max(0, min(sp, 300))
        price = spec.price * cinfo.price * (1.03, 1.0, 0.95)[size] * exp(0.12 * normal[int(r() * normal_size)])
        price_level = round(0.7 if price < 0.7 else (1.5 if price > 1.5 else price), 2)
        capacity = None
        if r() >= 0.08:
            capacity = min(200, max(1, int(employees * (0.1 + 0.3 * r()))))
        f_median, f_sd = cinfo.founded
        if spec.code in ("design_house", "electronics_design", "print_bureau", "rapid_proto"):
            f_median += 9
        founded_raw = int(f_median + f_sd * normal[int(r() * normal_size)])
        founded_raw = 1920 if founded_raw < 1920 else (2024 if founded_raw > 2024 else founded_raw)
        founded = founded_raw if r() >= 0.05 else None
        employees_out = employees if r() >= 0.04 else None

        name, name_local, slug = _name(rng, site, arch, firm_id)
        yield spec.code, {
            "id": firm_id,
            "slug": slug,
            "name": name,
            "name_local": name_local,
            "kind": "manufacturer",
            "country": country,
            "region": c.region,
            "block": site.block,
            "city": c.city,
            "lat": lat,
            "lon": lon,
            "stages": list(stage_lists[stage_mask]),
            "product_fields": product_fields,
            "technologies": list(tech_lists[tech_mask]),
            "certifications": certifications,
            "languages": languages,
            "accepts_foreign": accepts_foreign,
            "startup_friendly": startup_friendly,
            "capabilities": capabilities,
            "reply_median_hours": reply,
            "rating": rating,
            "rating_count": rating_count,
            "startup_projects": startup_projects,
            "price_level": price_level,
            "capacity_jobs": capacity,
            "employees": employees_out,
            "founded": founded,
            "website": "",
            "equipment": _equipment(r, arch, size, processes),
            "description": _description(site, arch, name, name_local, processes, founded,
                                        employees_out, automotive, startup_friendly),
            "synthetic": True,
            "source": source,
        }
