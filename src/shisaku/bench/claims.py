"""Claims: finding a listed firm by its name key at sign-up, in a region and in a country.

A throw-away SQLite directory of N sample manufacturers under a temporary SHISAKU_HOME; the
look-up (claims.selectors.manufacturers_like) is timed on its first call (keys computed) and
a second call (keys cached for the directory's data generation). Baseline in the same run:
counting the same region's firms with one indexed query.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.errors import InputError

    if args.manufacturers < 10:
        raise InputError("--manufacturers", "give at least 10")
    os.environ["SHISAKU_HOME"] = tempfile.mkdtemp(prefix="shisaku-bench-claims-")
    os.environ.pop("SHISAKU_DATABASE_URL", None)
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command

    from shisaku.claims.selectors import manufacturers_like
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import sample_load

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    sample_load(size=args.manufacturers, seed=args.seed)
    load_s = round(time.perf_counter() - started, 1)
    region = (Manufacturer.objects.filter(country="KR").values_list("region", flat=True)
              .order_by("region").first()) or "KR-11"
    firm = Manufacturer.objects.filter(country="KR", region=region).order_by("id").first()
    assert firm is not None
    figures: dict[str, Any] = {"manufacturers": Manufacturer.objects.count(), "load_s": load_s,
                               "region": region}
    t = time.perf_counter()
    figures["region_firms"] = Manufacturer.objects.filter(country="KR", region=region).count()
    figures["baseline_region_count_ms"] = _ms(t)
    figures["country_firms"] = Manufacturer.objects.filter(country="KR").count()
    for label, where in (("region", region), ("country", "")):
        for attempt in ("first", "cached"):
            t = time.perf_counter()
            hits = manufacturers_like(name=f"{firm.name} Co., Ltd.", country="KR", region=where)
            figures[f"{label}_{attempt}_ms"] = _ms(t)
            figures[f"{label}_found"] = firm in hits
    return figures
