"""Turns the real fab labs of fablabs.io (KR, JP, CN, TW, VN) into maker-space records.

The source gives name, URL, a free-text state / city and, for most labs, coordinates. We
assign each lab a region of :data:`shisaku.taxonomy.REGIONS` (by place name, else the nearest
listed region, else the country's most common one), fill missing coordinates from a small
table of city centres or the region's point, and give it the capabilities typical of a fab
lab. Whatever is guessed is said in the record's description.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

from shisaku import taxonomy
from shisaku.sampledata._geo import LOCAL_LANGUAGE
from shisaku.sampledata._names import slugify

MAKER_SPACE_SOURCE = "Internet of Production Alliance / fablabs.io (CC BY 4.0)"
DATA_FILE = "fablabs_east_asia.json"
EARTH_RADIUS_KM = 6371.0088
# A lab this far from the nearest listed region's point lies outside every listed region.
NEAREST_REGION_EXACT_KM = 40.0

# Place names (lower case, as they appear in the source's state / city fields) that lie inside
# a listed region. Checked in order; the first hit wins.
_REGION_ALIASES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "KR": (
        ("KR-11", ("seoul", "서울", "songpa")),
        ("KR-26", ("busan", "부산", "haundae", "haeundae")),
        ("KR-27", ("daegu", "대구", "suseong")),
        ("KR-28", ("incheon", "인천", "songdo")),
        ("KR-29", ("gwangju",)),
        ("KR-30", ("daejeon", "대전", "yuseong")),
        ("KR-31", ("ulsan", "울산")),
        ("KR-50", ("sejong",)),
        ("KR-41", ("gyeonggi", "경기", "paju", "suwon", "hwaseong", "화성")),
        ("KR-42", ("gangwon", "ganmgwon", "강원", "chuncheon", "wonju")),
        ("KR-43", ("chungcheongbuk", "chungbuk", "충청북", "chungju", "충주", "cheongju", "청주")),
        ("KR-44", ("chungcheongnam", "충청남", "asan", "아산")),
        ("KR-45", ("jeonbuk", "jeollabuk", "jeonju")),
        ("KR-46", ("jeollanam", "jeonnam")),
        ("KR-47", ("gyeongsangbuk", "gyeongbuk", "pohang", "gumi")),
        ("KR-48", ("gyeongsangnam", "gyeongnam", "changwon")),
        ("KR-49", ("jeju", "seogwipo")),
    ),
    "JP": (
        ("JP-01", ("hokkaido", "北海道", "yubari", "sapporo")),
        ("JP-04", ("miyagi", "宮城", "sendai")),
        ("JP-13", ("tokyo", "東京", "世田谷", "ota-ku", "shinagawa", "chiyoda", "shibuya")),
        ("JP-14", ("kanagawa", "神奈川", "yokohama", "kamakura", "鎌倉", "manazuru")),
        ("JP-20", ("nagano", "長野")),
        ("JP-22", ("shizuoka", "静岡", "hamamatsu")),
        ("JP-27", ("osaka", "大阪")),
        ("JP-28", ("hyogo", "兵庫", "kobe")),
        ("JP-31", ("tottori", "鳥取")),
        ("JP-35", ("yamaguchi", "山口")),
        ("JP-40", ("fukuoka", "福岡", "dazaifu")),
        ("JP-44", ("oita", "大分")),
        ("JP-41", ("saga", "佐賀")),
    ),
    "CN": (
        ("CN-GD", ("guangdong", "广东", "shenzhen", "深圳", "dongguan", "东莞", "guangzhou", "广州")),
        ("CN-SH", ("shanghai", "上海")),
        ("CN-JS", ("jiangsu", "jiangshu", "江苏", "suzhou", "苏州", "nantong", "nanjing", "如皋")),
        ("CN-ZJ", ("zhejiang", "浙江", "hangzhou", "shaoxing", "ningbo")),
    ),
    "TW": (
        ("TW-TPE", ("taipei", "t'ai-pei", "台北", "臺北")),
        ("TW-HSZ", ("hsinchu", "新竹")),
        ("TW-TXG", ("taichung", "台中", "臺中")),
    ),
    "VN": (
        ("VN-HN", ("hanoi", "ha noi", "hà nội")),
        ("VN-56", ("bac ninh", "bắc ninh")),
        ("VN-SG", ("ho chi minh", "saigon", "hồ chí minh")),
    ),
}

# City centres (degrees) for labs the source gives without coordinates.
_CITY_POINTS: dict[str, tuple[tuple[str, tuple[float, float]], ...]] = {
    "KR": (("songpa", (37.5145, 127.1059)), ("suseong", (35.8581, 128.6306)),
           ("yuseong", (36.3624, 127.3562)), ("asan", (36.7898, 127.0018)),
           ("chuncheon", (37.8813, 127.7298))),
    "JP": (("sayo", (35.0043, 134.3557)),),
    "CN": (("beijing", (39.9042, 116.4074)), ("beijng", (39.9042, 116.4074)),
           ("dongcheng", (39.9288, 116.4163)), ("qingdao", (36.0671, 120.3826)),
           ("shenyang", (41.8057, 123.4315)), ("shijiazhuang", (38.0428, 114.5149)),
           ("dongguan", (23.0207, 113.7518)), ("nantong", (31.9802, 120.8943)),
           ("nanjing", (32.0603, 118.7969)), ("shenzhen", (22.5431, 114.0579))),
    "TW": (("puzi", (23.4611, 120.2470)), ("chiayi", (23.4801, 120.4491)),
           ("taitung", (22.7583, 121.1444))),
    "VN": (("lien chieu", (16.0718, 108.1503)), ("da nang", (16.0544, 108.2022)),
           ("đà nẵng", (16.0544, 108.2022)), ("danang", (16.0544, 108.2022)),
           ("tây ninh", (11.3100, 106.0983)), ("tay ninh", (11.3100, 106.0983)),
           ("binh duong", (10.9804, 106.6519)), ("thu dau mot", (10.9804, 106.6519))),
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (R = 6371.0088 km) between two points in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class _Place:
    region: str | None
    lat: float | None
    lon: float | None
    notes: tuple[str, ...]


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def _match_region(country: str, text: str) -> str | None:
    for code, aliases in _REGION_ALIASES.get(country, ()):
        if any(alias in text for alias in aliases):
            return code
    return None


def _match_city_point(country: str, text: str) -> tuple[float, float] | None:
    for alias, point in _CITY_POINTS.get(country, ()):
        if alias in text:
            return point
    return None


def _nearest_region(country: str, lat: float, lon: float) -> tuple[str, float]:
    best = min((r for r in taxonomy.REGIONS.values() if r.country == country),
               key=lambda r: haversine_km(lat, lon, r.lat, r.lon))
    return best.code, haversine_km(lat, lon, best.lat, best.lon)


def _place(raw: dict[str, Any]) -> _Place:
    country = raw["country"]
    text = f"{_clean(raw.get('state_region'))} | {_clean(raw.get('city_town'))}".lower()
    region = _match_region(country, text)
    lat, lon = raw.get("latitude"), raw.get("longitude")
    notes: list[str] = []
    if lat is None or lon is None:
        lat = lon = None
        point = _match_city_point(country, text)
        if point is not None:
            lat, lon = point
            notes.append("coordinates are the city centre (the source has none)")
    if region is None and lat is not None and lon is not None:
        region, km = _nearest_region(country, lat, lon)
        if km > NEAREST_REGION_EXACT_KM:
            notes.append(f"region set to the nearest listed region, {km:.0f} km away "
                         "(the lab's own province is not in the taxonomy)")
    return _Place(region, lat, lon, tuple(notes))


def _read_source() -> list[dict[str, Any]]:
    text = resources.files("shisaku").joinpath("data", DATA_FILE).read_text("utf-8")
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError(f"{DATA_FILE}: expected a list of labs")
    return data


def _capabilities(rng: random.Random) -> list[dict[str, Any]]:
    fdm = [250, 210, 210] if rng.random() < 0.6 else [300, 300, 400]
    laser = [600, 400, 10] if rng.random() < 0.6 else [1000, 600, 10]
    caps: list[dict[str, Any]] = [
        {"process": "cnc_milling", "materials": ["pom", "pmma", "abs"], "min_lot": 1,
         "max_lot": 20, "max_part_mm": [200, 150, 60], "tolerance_mm": 0.05,
         "lead_time_days": 5},
        {"process": "laser_cutting", "materials": ["pmma"], "min_lot": 1, "max_lot": 50,
         "max_part_mm": laser, "tolerance_mm": 0.1, "lead_time_days": 2},
        {"process": "fdm_printing",
         "materials": ["pla", "petg"] + (["tpu"] if rng.random() < 0.5 else []),
         "min_lot": 1, "max_lot": 50, "max_part_mm": fdm, "tolerance_mm": 0.3,
         "lead_time_days": 3},
    ]
    if rng.random() < 0.4:
        caps.append({"process": "sla_printing", "materials": ["resin_standard"], "min_lot": 1,
                     "max_lot": 30, "max_part_mm": [145, 145, 185], "tolerance_mm": 0.1,
                     "lead_time_days": 3})
    caps.append({"process": "pcb_fabrication", "materials": ["fr4"], "min_lot": 1,
                 "max_lot": 20, "max_part_mm": [150, 100, 3], "tolerance_mm": 0.1,
                 "lead_time_days": 3})
    return caps


_EQUIPMENT = ("Typical fab lab inventory (assumed; the source lists none): CO2 laser cutter, "
              "FDM 3D printers, desktop CNC mill for PCBs and small parts, vinyl cutter, "
              "electronics bench")


def _description(name: str, city: str, country: str, address: str,
                 notes: tuple[str, ...]) -> dict[str, str]:
    where = ", ".join(p for p in (address, city, taxonomy.label("country", country)) if p)
    en = (f"{name} is a fab lab listed on fablabs.io ({where}). Its capabilities here are "
          "those typical of a fab lab, not confirmed by the lab.")
    ko = (f"{name}은(는) fablabs.io에 등록된 팹랩입니다({where}). 여기 적힌 설비·공정은 "
          "일반적인 팹랩 기준이며 해당 팹랩이 확인한 내용이 아닙니다.")
    ja = (f"{name}はfablabs.ioに登録されたファブラボです（{where}）。設備・工程は一般的な"
          "ファブラボの想定であり、ラボによる確認は受けていません。")
    if notes:
        en += " Location guessed: " + "; ".join(notes) + "."
        ko += " 위치 추정: 일부 위치 정보는 추정값입니다."
        ja += " 所在地の推定：一部の位置情報は推定値です。"
    return {"en": en, "ko": ko, "ja": ja}


def load_maker_spaces() -> list[dict[str, Any]]:
    """The real fab labs / maker spaces of KR, JP, CN, TW and VN as manufacturer records.

    ``kind`` is ``"maker_space"``, ``synthetic`` False, ``id`` None (the loader assigns ids);
    slugs are unique and stable (from the name, else the fablabs.io handle). Region and
    missing coordinates are inferred and the guess is stated in ``description``.
    """
    raws = _read_source()
    places = [_place(raw) for raw in raws]
    # Fallback for labs with neither a known place name nor coordinates: the country's most
    # common region among the labs we could place.
    common: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    for raw, place in zip(raws, places, strict=True):
        if place.region is not None:
            counts.setdefault(raw["country"], Counter())[place.region] += 1
    for country, counter in counts.items():
        common[country] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    records: list[dict[str, Any]] = []
    used_slugs: set[str] = set()
    for raw, place in zip(raws, places, strict=True):
        country = raw["country"]
        name = _clean(raw["name"])
        handle = str(raw.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
        slug = slugify(name) or slugify(handle)
        if slug in used_slugs:
            slug = slugify(f"{name} {handle}")
        used_slugs.add(slug)

        notes = list(place.notes)
        region_code = place.region
        if region_code is None:
            region_code = common.get(country) or next(
                r.code for r in taxonomy.REGIONS.values() if r.country == country)
            notes.append(f"no usable place name or coordinates; region set to {region_code}, "
                         "the most common region of the country's labs")
        region = taxonomy.region(region_code)
        lat, lon = place.lat, place.lon
        if lat is None or lon is None:
            lat, lon = region.lat, region.lon
            notes.append(f"coordinates are the point of region {region_code}")
        city = _clean(raw.get("city_town")) or region.name_en
        rng = random.Random(slug)
        languages = [LOCAL_LANGUAGE[country]]
        if "en" not in languages:
            languages.append("en")
        records.append({
            "id": None,
            "slug": slug,
            "name": name,
            "name_local": name,
            "kind": "maker_space",
            "country": country,
            "region": region_code,
            "block": region.block,
            "city": city,
            "lat": round(float(lat), 6),
            "lon": round(float(lon), 6),
            "stages": ["business_design", "spec_review", "prototyping"],
            "product_fields": ["iot_ict", "other"],
            "technologies": ["mechanism", "electric"],
            "certifications": [],
            "languages": languages,
            "accepts_foreign": True,
            "startup_friendly": True,
            "capabilities": _capabilities(rng),
            "reply_median_hours": None,
            "rating": None,
            "rating_count": 0,
            "startup_projects": 0,
            "price_level": 0.7,
            "capacity_jobs": None,
            "employees": None,
            "founded": None,
            "website": str(raw.get("url") or ""),
            "equipment": _EQUIPMENT,
            "description": _description(name, city, country, _clean(raw.get("address")),
                                        tuple(notes)),
            "synthetic": False,
            "source": MAKER_SPACE_SOURCE,
        })
    return records
