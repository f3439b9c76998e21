"""API latency: directory list, profile, match, estimate-free endpoints, against /healthz.

Runs in one process with Django's test client (no network): a throw-away SQLite directory of
N sample manufacturers under a temporary SHISAKU_HOME, R requests per endpoint, p50 / p95 in
ms. The baseline in the same run is /healthz (routing, middleware and one indexed query).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manufacturers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from shisaku.errors import InputError

    if args.manufacturers < 1 or args.requests < 1:
        raise InputError("--manufacturers", "give positive numbers")
    home = tempfile.mkdtemp(prefix="shisaku-bench-api-")
    os.environ["SHISAKU_HOME"] = home
    os.environ.pop("SHISAKU_DATABASE_URL", None)
    os.environ["SHISAKU_ALLOWED_HOSTS"] = "testserver"
    from shisaku.core.bootstrap import setup

    setup()
    from django.core.management import call_command
    from django.test import Client

    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save
    from shisaku.sampledata import generate_manufacturers

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    manufacturers_save(records=generate_manufacturers(args.manufacturers, seed=args.seed))
    load_s = time.perf_counter() - started
    client = Client()
    rng = random.Random(args.seed)
    ids = list(Manufacturer.objects.values_list("id", flat=True))
    processes = ["cnc_milling", "injection_molding", "sheet_metal", "pcb_assembly",
                 "fdm_printing", "die_casting"]
    client.post("/api/v1/match", {"processes": ["cnc_milling"]},
                content_type="application/json")  # builds the index once, as a server would

    def timed(call: Any) -> list[float]:
        out = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = call()
            out.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.content[:300]
        return out

    figures: dict[str, Any] = {
        "manufacturers": args.manufacturers, "requests_per_endpoint": args.requests,
        "load_s": round(load_s, 2), "client": "django.test.Client, in process, SQLite",
    }
    figures["baseline_healthz"] = _percentiles(timed(lambda: client.get("/healthz")))
    figures["get_manufacturer"] = _percentiles(timed(
        lambda: client.get(f"/api/v1/manufacturers/{rng.choice(ids)}")))
    figures["list_manufacturers_filtered"] = _percentiles(timed(
        lambda: client.get(f"/api/v1/manufacturers?process={rng.choice(processes)}"
                           f"&country={rng.choice(['KR', 'JP', 'CN'])}")))
    figures["post_match"] = _percentiles(timed(
        lambda: client.post("/api/v1/match?top=20", {
            "processes": [rng.choice(processes)], "quantity": rng.choice([10, 300, 5000]),
            "origin_region": rng.choice(["KR-11", "KR-47", "JP-13"]),
            "max_distance_km": rng.choice([300, 1000, 3000])},
            content_type="application/json")))
    return figures
