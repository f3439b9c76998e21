"""Small, explicit test data: manufacturer records built field by field."""

from __future__ import annotations

import itertools
from typing import Any

from shisaku import taxonomy

_counter = itertools.count(1)


def capability(process: str = "cnc_milling", **kw: Any) -> dict[str, Any]:
    cap = {"process": process, "materials": ["aluminum_6061"], "min_lot": 1, "max_lot": 1000,
           "max_part_mm": [500, 400, 300], "tolerance_mm": 0.05, "lead_time_days": 10}
    cap.update(kw)
    return cap


def record(name: str | None = None, region: str = "KR-41", **kw: Any) -> dict[str, Any]:
    n = next(_counter)
    r = taxonomy.region(region)
    rec: dict[str, Any] = {
        "slug": kw.pop("slug", f"firm-{n}"), "name": name or f"Firm {n}", "name_local": "",
        "kind": "manufacturer", "country": r.country, "region": region, "block": r.block,
        "city": "", "lat": r.lat, "lon": r.lon, "stages": ["prototyping"],
        "product_fields": ["iot_ict"], "technologies": [], "certifications": [],
        "languages": ["ko"], "accepts_foreign": True, "startup_friendly": True,
        "capabilities": [capability()], "reply_median_hours": 4.0, "rating": 4.0,
        "rating_count": 3, "startup_projects": 2, "price_level": 1.0, "capacity_jobs": 3,
        "employees": 20, "founded": 2001, "website": "", "equipment": "",
        "description": {"en": "A test firm."}, "synthetic": False, "source": "tests",
    }
    rec.update(kw)
    return rec
