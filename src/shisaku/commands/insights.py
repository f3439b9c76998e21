"""`shisaku insights refresh [--force] [--json]`: compute the insights aggregates now (what the
worker does every ten minutes when the data changed)."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["refresh"], help="refresh: recompute the aggregates")
    parser.add_argument("--force", action="store_true",
                        help="recompute even when no source changed")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    from shisaku.core.bootstrap import setup

    setup()
    from shisaku.insights.build import insights_refresh, latest_build

    build = insights_refresh(force=args.force)
    current = build or latest_build()
    summary = {"built": build is not None,
               "build": current.pk if current else None,
               "cells": current.cell_count if current else 0,
               "elapsed_ms": current.elapsed_ms if current else 0,
               "sources": current.sources if current else {}}
    if args.json:
        print(json.dumps(summary))
    elif build is None:
        print(f"insights: up to date (build {summary['build']}, {summary['cells']} cells)")
    else:
        print(f"insights: built {summary['cells']} cells in {summary['elapsed_ms']:.0f} ms "
              f"from {summary['sources']}")
    return 0
