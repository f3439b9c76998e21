"""Matching: query time of the numpy index against the reference loop, build, snapshot and memory.

``shisaku bench matching --manufacturers N --queries Q [--seed S] --json`` builds N synthetic
manufacturers with the sample generator, draws Q varied requirements from the same data (1-3
processes of a real firm, its materials, lots, stages, certifications, countries, distance
limits …), and reports in one run:

- ``p50_ms`` / ``p95_ms``: index queries, top 20 with scores and reasons (``query()`` end to
  end, wall clock; ``cpu_*`` the same in process CPU time, less sensitive to other load);
- ``reference_p50_ms``: the same queries through the reference loop (on the first
  ``reference_queries`` of them when N is large) and ``speedup`` on that same subset;
- ``build_db_s``: records read from a throw-away SQLite database + index build (``--no-db``
  skips it; ``build_records_s`` is the build from in-memory records);
- ``snapshot_load_s``, ``index_mb`` (sum of the arrays' nbytes), ``peak_rss_mb``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from shisaku import taxonomy

# Only the fields matching reads; the reference keeps these records in memory.
_MATCH_FIELDS = ("id", "slug", "name", "country", "region", "lat", "lon", "stages",
                 "product_fields", "certifications", "accepts_foreign", "reply_median_hours",
                 "rating", "rating_count", "startup_projects")
_CAP_FIELDS = ("process", "materials", "min_lot", "max_lot", "max_part_mm", "lead_time_days")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=100_000, metavar="N",
                        help="synthetic manufacturers to index (default 100000)")
    parser.add_argument("--queries", type=int, default=200, metavar="Q",
                        help="requirements to run (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="data and query seed (default 7)")
    parser.add_argument("--top", type=int, default=20, metavar="K",
                        help="results ranked per query (default 20)")
    parser.add_argument("--reference-queries", type=int, default=None, metavar="R",
                        help="queries also run through the reference loop (default: all when "
                             "N <= 20000, else 20)")
    parser.add_argument("--no-db", action="store_true",
                        help="skip the database build (build_db_s) measurement")


def _slim(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: record.get(k) for k in _MATCH_FIELDS}
    out["capabilities"] = [{k: c.get(k) for k in _CAP_FIELDS} for c in record["capabilities"]]
    return out


def make_requirements(records: list[dict[str, Any]], count: int, seed: int
                      ) -> list[dict[str, Any]]:
    """``count`` requirements modelled on random firms of ``records`` (so most have matches)."""
    rng = random.Random(seed * 7919 + 1)
    regions_by_country: dict[str, list[str]] = {}
    for code, region in taxonomy.REGIONS.items():
        regions_by_country.setdefault(region.country, []).append(code)
    with_caps = [r for r in records if r["capabilities"]]
    fields = taxonomy.codes("product_field")
    out: list[dict[str, Any]] = []
    while len(out) < count:
        firm = rng.choice(with_caps)
        processes = sorted({c["process"] for c in firm["capabilities"]})
        chosen = rng.sample(processes, min(len(processes), rng.choice((1, 1, 2, 2, 3))))
        req: dict[str, Any] = {"processes": chosen}
        caps = [c for c in firm["capabilities"] if c["process"] in chosen]
        materials = sorted({m for c in caps for m in c["materials"] or ()})
        if materials and rng.random() < 0.6:
            req["materials"] = rng.sample(materials, 1 if rng.random() < 0.8 else
                                          min(2, len(materials)))
        if rng.random() < 0.7:
            req["quantity"] = rng.choice((1, 5, 10, 50, 100, 300, 1000, 5000, 20_000, 100_000))
        if firm["stages"] and rng.random() < 0.5:
            req["stage"] = rng.choice(firm["stages"])
        if firm["certifications"] and rng.random() < 0.3:
            req["certifications"] = [rng.choice(firm["certifications"])]
        if rng.random() < 0.3:
            req["part_size_mm"] = [round(rng.uniform(5, 400), 1) for _ in range(3)]
        if rng.random() < 0.3:
            others = [c for c in ("KR", "JP", "CN", "TW", "VN") if c != firm["country"]]
            req["countries"] = [firm["country"]] + ([rng.choice(others)]
                                                    if rng.random() < 0.5 else [])
        if rng.random() < 0.5:
            country = firm["country"] if rng.random() < 0.7 else rng.choice(
                ("KR", "JP", "CN", "TW", "VN"))
            req["origin_region"] = rng.choice(sorted(regions_by_country.get(country, ["KR-11"])))
            if rng.random() < 0.6:
                req["max_distance_km"] = rng.choice((100, 300, 500, 1000, 2000))
        if rng.random() < 0.3:
            req["client_country"] = rng.choice(("KR", "JP", "US", "DE", "CN"))
        if rng.random() < 0.4:
            req["product_field"] = rng.choice(fields)
        out.append(req)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1024 * 1024 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / (scale * 1024)


def _build_from_db(n: int, seed: int) -> dict[str, Any]:
    """Insert the N records into a throw-away SQLite database and time reading + building."""
    home = tempfile.mkdtemp(prefix="shisaku-bench-")
    os.environ["SHISAKU_HOME"] = home
    os.environ.pop("SHISAKU_DATABASE_URL", None)
    os.environ.pop("SHISAKU_REDIS_URL", None)
    try:
        from shisaku.core.bootstrap import setup
    except ImportError:  # pragma: no cover - before the core app existed
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shisaku.settings")
        django.setup()
    else:
        setup()
    from django.core.management import call_command
    from django.db import connections

    from shisaku.directory.adapters import records_from_db
    from shisaku.directory.services import manufacturers_save
    from shisaku.engines.matching import MatchIndex
    from shisaku.sampledata import generate_manufacturers

    try:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        manufacturers_save(records=generate_manufacturers(n, seed=seed))
        insert_s = time.perf_counter() - started
        gc.collect()
        started = time.perf_counter()
        index = MatchIndex.build(records_from_db())
        build_db_s = time.perf_counter() - started
    finally:
        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)  # the database is GBs at N = 1,000,000
    return {"build_db_s": round(build_db_s, 3), "db_insert_s": round(insert_s, 1),
            "db_manufacturers": index.size, "db_engine": "sqlite (temporary SHISAKU_HOME)"}


def run(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from shisaku.engines.matching import MatchIndex, reference_match
    from shisaku.sampledata import generate_manufacturers

    n, q, seed, top = args.manufacturers, args.queries, args.seed, args.top
    if n <= 0 or q <= 0:
        from shisaku.errors import InputError

        raise InputError("manufacturers" if n <= 0 else "queries", "must be at least 1")
    started = time.perf_counter()
    records = [_slim(r) for r in generate_manufacturers(n, seed=seed)]
    generate_s = time.perf_counter() - started
    requirements = make_requirements(records, q, seed)

    gc.collect()
    started = time.perf_counter()
    index = MatchIndex.build(records, generation=1)
    build_records_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="shisaku-bench-") as tmp:
        path = index.save(Path(tmp) / "match-index-1.npz")
        snapshot_mb = path.stat().st_size / 1e6
        gc.collect()
        started = time.perf_counter()
        loaded = MatchIndex.load(path, generation=1)
        snapshot_load_s = time.perf_counter() - started
    assert loaded.size == index.size
    del loaded

    for req in requirements[: min(10, q)]:  # warm-up: first-call costs are not query time
        index.query(req, top_k=top)
    times: list[float] = []
    cpu_times: list[float] = []
    eligible: list[int] = []
    for req in requirements:
        t0, c0 = time.perf_counter(), time.process_time()
        result = index.query(req, top_k=top)
        cpu_times.append((time.process_time() - c0) * 1000.0)
        times.append((time.perf_counter() - t0) * 1000.0)
        eligible.append(result.eligible)

    r = args.reference_queries
    if r is None:
        r = q if n <= 20_000 else min(q, 20)
    r = max(1, min(r, q))
    reference_times: list[float] = []
    agrees = True
    for req in requirements[:r]:
        t0 = time.perf_counter()
        want = reference_match(records, req, top_k=top)
        reference_times.append((time.perf_counter() - t0) * 1000.0)
        got = index.query(req, top_k=top)
        agrees &= (got.eligible == want.eligible
                   and [h.id for h in got.results] == [h.id for h in want.results])
    p50 = _percentile(times, 0.5)
    p50_subset = _percentile(times[:r], 0.5)
    reference_p50 = _percentile(reference_times, 0.5)

    figures: dict[str, Any] = {
        "manufacturers": n,
        "capabilities": int(index.arrays["cap_row"].size),
        "queries": q,
        "top_k": top,
        "seed": seed,
        "p50_ms": round(p50, 3),
        "p95_ms": round(_percentile(times, 0.95), 3),
        "max_ms": round(max(times), 3),
        "cpu_p50_ms": round(_percentile(cpu_times, 0.5), 3),
        "cpu_p95_ms": round(_percentile(cpu_times, 0.95), 3),
        "mean_eligible": round(statistics.fmean(eligible), 1),
        "reference_p50_ms": round(reference_p50, 2),
        "reference_queries": r,
        "speedup": round(reference_p50 / p50_subset, 1) if p50_subset > 0 else None,
        "speedup_note": f"reference p50 / index p50 over the same first {r} queries",
        "reference_agrees": agrees,
        "generate_s": round(generate_s, 2),
        "build_records_s": round(build_records_s, 3),
        "snapshot_load_s": round(snapshot_load_s, 3),
        "snapshot_mb": round(snapshot_mb, 1),
        "index_mb": round(index.nbytes / 1e6, 1),
    }
    del records
    gc.collect()
    if args.no_db:
        figures["build_db_s"] = None
        figures["build_db_note"] = "skipped (--no-db); see build_records_s"
    else:
        figures.update(_build_from_db(n, seed))
    figures["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine
    figures["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}, numpy {np.__version__}"
    return figures
