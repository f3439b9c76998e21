"""Keeping the directory index current: patching against rebuilding, on a real database.

``shisaku bench patching --manufacturers N --changes 1,10,100,500 --home DIR --json``

1. The first request of a fresh serving process (``get_directory_index()`` with nothing in
   memory: loads the newest snapshot, or builds and saves one).
2. For each size k of ``--changes``: k firms edited in the database (name, rating, a stage)
   and reindexed as a profile save does (``manufacturer_reindex``: facets, search text, the
   change log), then the next request's
   ``get_directory_index()`` timed — what a profile edit costs the next visitor — and the list
   mix of a few requests on the patched index (cold caches) against the same requests on the
   unpatched base; the patched answers are checked against the SQL reference for two requests.
3. Baseline, same run: rebuilding the whole index from the tables (what every edit cost
   before patches), and a compaction (``adapters.compact(force=True)``: build + save).

Edits are made inside a transaction that is rolled back at the end (the database is left as
it was), and the index state of the process is reset around each step.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from typing import Any

_MIX = ("", "process=cnc_milling", "process=cnc_milling&country=KR&certification=iso_9001",
        "q=%EC%A0%95%EB%B0%80", "q=precision", "q=%EC%82%AC%EC%B6%9C%EC%84%B1%ED%98%95",
        "country=JP&sort=reply&page=40", "sort=rating")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=100_000)
    parser.add_argument("--changes", default="1,10,100,500",
                        help="comma-separated numbers of changed firms")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", help="SHISAKU_HOME to use and keep (default: a temporary one)")


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.errors import InputError

    try:
        sizes = [int(x) for x in str(args.changes).split(",") if x.strip()]
    except ValueError:
        raise InputError("--changes", "give comma-separated whole numbers") from None
    if args.manufacturers < 1 or args.requests < 1 or not sizes or min(sizes) < 1:
        raise InputError("--manufacturers", "give positive numbers")
    os.environ["SHISAKU_HOME"] = args.home or tempfile.mkdtemp(prefix="shisaku-bench-patch-")
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.http import QueryDict

    from shisaku.directory import adapters
    from shisaku.directory.filtersets import DirectoryFilter
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturer_reindex, manufacturers_save
    from shisaku.engines.directory import DirectoryIndex
    from shisaku.sampledata import generate_manufacturers

    call_command("migrate", interactive=False, verbosity=0)
    if Manufacturer.objects.count() < args.manufacturers:
        manufacturers_save(records=generate_manufacturers(args.manufacturers, seed=args.seed))
    figures: dict[str, Any] = {"database": connection.vendor,
                               "firms": Manufacturer.objects.count(),
                               "load_avg_1m": round(os.getloadavg()[0], 2)}

    def first_request() -> float:
        adapters._state = None
        started = time.perf_counter()
        adapters.get_directory_index()
        return time.perf_counter() - started

    figures["first_request_s"] = round(first_request(), 3)
    figures["first_request_again_s"] = round(first_request(), 3)  # the snapshot is there now

    def mix_ms(listing: Any) -> dict[str, float]:
        samples = []
        for _ in range(args.requests):
            for query in _MIX:
                form = DirectoryFilter(QueryDict(query))
                assert form.is_valid(), form.errors
                listing.clear_cache()
                started = time.perf_counter()
                listing.search(form.listing_query(offset=(form.page_wanted() - 1) * 20,
                                                  limit=20))
                samples.append((time.perf_counter() - started) * 1000)
        return _ms(samples)

    base = adapters.get_directory_index()
    figures["base_mix"] = mix_ms((base.base or base).listing)
    rng = random.Random(args.seed)
    ids = list(Manufacturer.objects.values_list("id", flat=True))
    figures["patches"] = []
    for k in sizes:
        with transaction.atomic():
            chosen = rng.sample(ids, min(k, len(ids)))
            for n, firm in enumerate(Manufacturer.objects.filter(pk__in=chosen)):
                firm.name = f"Patched Firm {n:05d}"
                firm.rating, firm.rating_count = round(rng.uniform(1, 5), 2), 5
                firm.stages = ["mass_production"]
                firm.save()
                manufacturer_reindex(manufacturer=firm)  # facets, search text, change log
            started = time.perf_counter()
            patched = adapters.get_directory_index()
            patch_s = time.perf_counter() - started
            row: dict[str, Any] = {"changed": k, "next_request_ms": round(patch_s * 1000, 1),
                                   "patched_firms": len(patched.changed),
                                   "rebuilt": patched.base is None,
                                   "mix": mix_ms(patched.listing)}
            agree = []
            for query in ("sort=rating&stage=mass_production", "q=patchedfirm&sort=name"):
                index_form, sql_form = DirectoryFilter(QueryDict(query)), \
                    DirectoryFilter(QueryDict(query))
                index_form.is_valid()
                sql_form.is_valid()
                got, want = index_form.listing(), sql_form.listing(engine="sql")
                agree.append((got.count, got.ids, got.counts) == (want.count, want.ids,
                                                                 want.counts))
            row["agrees_with_sql"] = all(agree)
            figures["patches"].append(row)
            transaction.set_rollback(True)
        adapters._state = None
        adapters.get_directory_index()
    started = time.perf_counter()
    DirectoryIndex.build(adapters.records_from_db(), generation=1,
                         weights=adapters.match_weights())
    figures["baseline_full_rebuild_s"] = round(time.perf_counter() - started, 2)
    with transaction.atomic():
        started = time.perf_counter()
        adapters.compact(force=True)
        figures["compaction_s"] = round(time.perf_counter() - started, 2)
        transaction.set_rollback(True)
    adapters._state = None
    return figures
