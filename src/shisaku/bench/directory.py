"""Directory list, facets and search: the in-memory index against the SQL reference path.

A fixed mix of list requests (no filter, one and three filters, common and rare text queries in
Korean, Japanese and Latin, filters + query, a distance sort, a deep page), each timed R times:

- ``index``: inside the selector — the filter form parsed, ``form.listing()`` on the index (count,
  page ids, every facet count) and the page's rows read from the database; cold: the index's
  cache of verified long tokens and its result cache are cleared before each request
  (``index_warm``: only the result cache is cleared);
- ``view``: the whole HTML list view (RequestFactory: form, index, rows, template), cold (the
  index's caches and the view's rendered fragments cleared: ``PANELS``, ``PAGES``); kept, like
  the compiled templates, are the per-language fragments of ``directory.panels`` (every
  option's markup with its label, rendered once per process and language; they depend on
  neither the data nor the request — ``panel_fragments_ms`` is what rendering them costs);
  ``view_cached``: nothing cleared (what a repeated request costs: fragments and results from
  the caches);
- ``sql``: the same selector on the SQL reference path (``engine="sql"``: filters, facet counts
  and page in SQL), ``--sql-requests`` times per request of the mix (it takes seconds at 100k).

With ``--in-memory`` no database is used: N sample records are generated and the index is built
directly (the 1,000,000-firm memory / latency figures); ``index`` then times form + index only
and there is no SQL baseline. The database is a throw-away SQLite file under a temporary
SHISAKU_HOME, or ``--home DIR`` (kept, and reused when it already holds N firms), or
PostgreSQL when SHISAKU_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sql-requests", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", help="SHISAKU_HOME to use and keep (default: a temporary one)")
    parser.add_argument("--in-memory", action="store_true",
                        help="no database: build the index from generated records")
    parser.add_argument("--only", default="",
                        help="time only these requests of the mix (comma-separated names, "
                             "e.g. text_common_latin,text_rare_ja: a re-measure when the "
                             "machine is quiet)")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3),
            "max_ms": round(ordered[-1], 3)}


_CPU: list[float] = []  # the CPU times of the last _timed() call


def _timed(call: Callable[[], Any], n: int, before: Callable[[], Any] | None = None
           ) -> list[float]:
    """Wall-clock ms per call (and the process CPU ms in _CPU: steadier on a shared machine);
    ``before`` runs untimed before each call."""
    out = []
    _CPU.clear()
    for _ in range(n):
        if before is not None:
            before()
        c = time.process_time()
        t = time.perf_counter()
        call()
        out.append((time.perf_counter() - t) * 1000)
        _CPU.append((time.process_time() - c) * 1000)
    return out


def _with_cpu(samples: list[float]) -> dict[str, float]:
    figures = _percentiles(samples)
    cpu = _percentiles(list(_CPU))
    figures["cpu_p50_ms"], figures["cpu_p95_ms"] = cpu["p50_ms"], cpu["p95_ms"]
    return figures


def _mix(records_sample: list[dict[str, Any]]) -> dict[str, str]:
    """The fixed mix; the rare queries are names of firms of the generated data."""
    def local_of(country: str) -> str:
        return next(r["name_local"] for r in records_sample
                    if r["country"] == country and r.get("name_local"))[:4]

    rare_latin = next(r["name"] for r in records_sample if r["country"] == "KR").split()[0]
    return {
        "no_filter": "",
        "one_filter": "process=cnc_milling",
        "three_filters": "process=cnc_milling&country=KR&certification=iso_9001",
        "text_common_ko": "q=정밀",
        "text_common_ja": "q=精密",
        "text_common_latin": "q=precision",
        "text_common_ko_long": "q=사출성형",
        "text_rare_ko": "q=" + local_of("KR"),
        "text_rare_ja": "q=" + local_of("JP"),
        "text_rare_latin": "q=" + rare_latin,
        "filters_and_query": "q=가공&process=cnc_milling&country=KR&stage=prototyping&sort=rating",
        "distance_sort": "sort=distance&near=KR-47&process=injection_molding",
        "deep_page": "country=JP&sort=reply&page=40",
        # (added in session 5: the process facet under a lot counts per process)
        "lot_filter": "lot=300&process=cnc_milling&country=KR",
    }


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _setup(args: argparse.Namespace) -> str:
    home = args.home or tempfile.mkdtemp(prefix="shisaku-bench-directory-")
    os.environ["SHISAKU_HOME"] = home
    os.environ["SHISAKU_ALLOWED_HOSTS"] = "testserver"
    from shisaku.core.bootstrap import setup

    setup()
    return home


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.errors import InputError

    if args.manufacturers < 1 or args.requests < 1 or args.sql_requests < 0:
        raise InputError("--manufacturers", "give positive numbers")
    home = _setup(args)
    from django.http import QueryDict

    from shisaku.directory.filtersets import DirectoryFilter
    from shisaku.engines.directory import DirectoryIndex
    from shisaku.sampledata import generate_manufacturers

    figures: dict[str, Any] = {"manufacturers": args.manufacturers, "requests": args.requests,
                               "load_avg_1m": round(os.getloadavg()[0], 2)}
    sample = list(generate_manufacturers(min(args.manufacturers, 2000), seed=args.seed))
    mix = _mix(sample)
    only = [name for name in getattr(args, "only", "").split(",") if name]
    if only:
        unknown = sorted(set(only) - set(mix))
        if unknown:
            raise InputError("--only", f"unknown requests {unknown}; the mix has {list(mix)}")
        mix = {name: query for name, query in mix.items() if name in only}
    if args.in_memory:
        rss0 = _rss_mb()
        started = time.perf_counter()
        index = DirectoryIndex.build(generate_manufacturers(args.manufacturers, seed=args.seed),
                                     generation=1)
        figures["build_s"] = round(time.perf_counter() - started, 2)
        figures["database"] = "none (records generated in memory)"
    else:
        index = _with_database(args, figures)
        rss0 = 0.0
    # Memory and snapshot of the base (a patched index, with firms changed since its snapshot,
    # is not saved: its base is what the files hold).
    figures.update(_memory_and_snapshot(index.base or index, Path(home)))
    if args.in_memory:
        figures["rss_growth_mb"] = round(_rss_mb() - rss0, 1)
    if not args.in_memory:
        figures["panel_fragments_ms"] = _panel_fragments_ms()
    figures["mix"] = {}
    for name, query in mix.items():
        form = DirectoryFilter(QueryDict(query))
        assert form.is_valid(), (query, form.errors)
        row: dict[str, Any] = {"query": query}
        if args.in_memory:
            def selector(q: str = query, listing: Any = index.listing) -> Any:
                f = DirectoryFilter(QueryDict(q))
                f.is_valid()
                page = f.listing_query(offset=(f.page_wanted() - 1) * f.per_page(),
                                       limit=f.per_page())
                return listing.search(page)

            def warm(listing: Any = index.listing) -> None:
                listing.clear_cache(tokens=False)

            row["count"] = selector().count
            row["index"] = _with_cpu(_timed(selector, args.requests, index.listing.clear_cache))
            row["index_warm"] = _with_cpu(_timed(selector, args.requests, warm))
        else:
            row.update(_timed_with_database(query, args))
        figures["mix"][name] = row
    figures["index_worst_p95_ms"] = max(r["index"]["p95_ms"] for r in figures["mix"].values())
    figures["index_worst_cpu_p95_ms"] = max(r["index"]["cpu_p95_ms"]
                                            for r in figures["mix"].values())
    if not args.in_memory and args.sql_requests:
        speedups = [r["sql"]["p50_ms"] / r["index"]["p50_ms"] for r in figures["mix"].values()]
        figures["min_speedup_p50"] = round(min(speedups), 1)
        figures["view_worst_p95_ms"] = max(r["view"]["p95_ms"] for r in figures["mix"].values())
        figures["view_worst_cpu_p95_ms"] = max(r["view"]["cpu_p95_ms"]
                                               for r in figures["mix"].values())
    figures["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return figures


def _panel_fragments_ms() -> dict[str, float]:
    """What rendering the list's per-language fragments costs (once per process and language)."""
    from django.urls import reverse
    from django.utils import translation

    from shisaku.directory import panels

    reverse("directory:list")  # (a process's first reversal imports every view: not theirs)
    out = {}
    for lang in ("ko", "ja", "en"):
        panels._FRAGMENTS.pop(lang, None)
        with translation.override(lang):
            started = time.perf_counter()
            panels.fragments(lang)
        out[lang] = round((time.perf_counter() - started) * 1000, 1)
    return out


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_and_snapshot(index: Any, home: Path) -> dict[str, Any]:
    from shisaku.engines.directory import DirectoryIndex

    out: dict[str, Any] = {
        "index_mb": round(index.nbytes / 1e6, 1),
        "match_index_mb": round(index.match.nbytes / 1e6, 1),
        "listing_index_mb": round(index.listing.nbytes / 1e6, 1),
        "search_text_mapped_mb": round(index.listing.text_bytes / 1e6, 1),
    }
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        stem = Path(tmp) / "directory-index-bench"
        paths = index.save(stem)
        out["snapshot_mb"] = round(sum(p.stat().st_size for p in paths) / 1e6, 1)
        started = time.perf_counter()
        loaded = DirectoryIndex.load(stem, generation=index.generation)
        out["snapshot_load_s"] = round(time.perf_counter() - started, 3)
        # What a serving process holds once loaded: postings and texts are memory-mapped.
        out["heap_after_load_mb"] = round(loaded.nbytes / 1e6, 1)
        out["mapped_after_load_mb"] = round(loaded.listing.blob_bytes / 1e6, 1)
        del loaded
        out["fresh_process"] = _fresh_process_memory(stem, index.generation)
    return out


# Run in a new interpreter: what a serving process holds once it has loaded the snapshot and
# answered text queries (RssAnon: its own memory; RssFile: pages of the memory-mapped snapshot,
# shared with every other process on the machine and reclaimable by the kernel).
_FRESH = """
import json, sys, time
def status():
    out = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out
from shisaku.engines.directory import DirectoryIndex, ListingQuery
before = status()
started = time.perf_counter()
index = DirectoryIndex.load(sys.argv[1], generation=int(sys.argv[2]))
load_s = time.perf_counter() - started
loaded = status()
for text in ("정밀", "精密", "precision", "사출성형", "가공", "co.,ltd"):
    index.listing.search(ListingQuery(text=text))
index.listing.search(ListingQuery(codes={"process": ["cnc_milling"]}))
print(json.dumps({"load_s": round(load_s, 3), "interpreter": before, "after_load": loaded,
                  "after_queries": status()}))
"""


def _fresh_process_memory(stem: Path, generation: int) -> dict[str, Any]:
    import json
    import subprocess
    import sys

    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _FRESH, str(stem), str(generation)],
        capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _with_database(args: argparse.Namespace, figures: dict[str, Any]) -> Any:
    from django.core.management import call_command
    from django.db import connection

    from shisaku.directory.adapters import get_directory_index
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save
    from shisaku.sampledata import generate_manufacturers

    call_command("migrate", interactive=False, verbosity=0)
    figures["database"] = connection.vendor
    if Manufacturer.objects.count() < args.manufacturers:
        started = time.perf_counter()
        manufacturers_save(records=generate_manufacturers(args.manufacturers, seed=args.seed))
        figures["db_insert_s"] = round(time.perf_counter() - started, 1)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    figures["firms_in_database"] = Manufacturer.objects.count()
    started = time.perf_counter()
    index = get_directory_index()  # builds (or loads) as the first request of a server would
    figures["index_first_request_s"] = round(time.perf_counter() - started, 2)
    return index


def _timed_with_database(query: str, args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict
    from django.test import RequestFactory

    from shisaku.directory import selectors, views
    from shisaku.directory.filtersets import DirectoryFilter

    def selector(engine: str) -> Callable[[], Any]:
        def call() -> Any:
            form = DirectoryFilter(QueryDict(query))
            form.is_valid()
            listing = form.listing(engine=engine)
            rows = selectors.manufacturer_rows(listing.ids)
            return listing, rows
        return call

    factory = RequestFactory()

    def view() -> Any:
        request = factory.get("/manufacturers/?" + query)
        request.htmx = False  # type: ignore[attr-defined]
        request.user = AnonymousUser()
        request.session = {}  # type: ignore[assignment]
        response = views.manufacturer_list(request)
        assert response.status_code == 200, response.status_code
        return response

    from shisaku.directory.adapters import get_directory_index

    listing = get_directory_index().listing

    def clear() -> None:
        listing.clear_cache()
        views.PANELS.clear()
        views.PAGES.clear()

    def warm() -> None:
        listing.clear_cache(tokens=False)

    index_listing, _rows = selector("index")()
    out: dict[str, Any] = {"count": index_listing.count,
                           "index": _with_cpu(_timed(selector("index"), args.requests, clear)),
                           "index_warm": _with_cpu(_timed(selector("index"), args.requests, warm)),
                           "view": _with_cpu(_timed(view, args.requests, clear)),
                           "view_cached": _with_cpu(_timed(view, args.requests))}
    if args.sql_requests:
        sql_listing, _ = selector("sql")()
        out["sql"] = _with_cpu(_timed(selector("sql"), args.sql_requests))
        out["agrees"] = (sql_listing.count, sql_listing.ids, sql_listing.counts) == (
            index_listing.count, index_listing.ids, index_listing.counts)
        out["speedup_p50"] = round(out["sql"]["p50_ms"] / out["index"]["p50_ms"], 1)
    return out
