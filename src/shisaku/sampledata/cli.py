"""Command line for the sample data: dump records as JSON and time the generator.

``python -m shisaku.sampledata generate --n 1000 --seed 7 --out firms.json`` writes a JSON list;
``python -m shisaku.sampledata makerspaces`` prints the fab labs; ``python -m
shisaku.sampledata time --n 100000 1000000`` prints the generator's speed as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Sequence
from typing import Any

from shisaku.sampledata.generator import generate_manufacturers
from shisaku.sampledata.makerspaces import load_maker_spaces


def measure_generation(n: int, *, seed: int = 7) -> dict[str, Any]:
    """Generate ``n`` records (consumed, not kept) and return the timing figures.

    ``seconds`` is wall time, ``cpu_seconds`` this process's CPU time (steadier on a busy
    machine); ``us_per_record`` is wall microseconds per record.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    count = 0
    for _ in generate_manufacturers(n, seed=seed):
        count += 1
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    return {"n": count, "seed": seed, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "records_per_s": round(count / seconds) if seconds else None,
            "us_per_record": round(seconds / count * 1e6, 1) if count else None,
            "python": platform.python_version(), "machine": platform.machine()}


def _write(data: Any, out: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shisaku.sampledata",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="synthetic manufacturers as a JSON list")
    gen.add_argument("--n", type=int, default=100)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--start-id", type=int, default=1)
    gen.add_argument("--out")
    spaces = sub.add_parser("makerspaces", help="the real fab labs as a JSON list")
    spaces.add_argument("--out")
    timing = sub.add_parser("time", help="time the generator; JSON figures per n")
    timing.add_argument("--n", type=int, nargs="+", default=[100_000])
    timing.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.command == "generate":
        if args.n < 0:
            parser.error("--n must be >= 0")
        _write(list(generate_manufacturers(args.n, seed=args.seed, start_id=args.start_id)),
               args.out)
    elif args.command == "makerspaces":
        _write(load_maker_spaces(), args.out)
    else:
        for n in args.n:
            print(json.dumps(measure_generation(n, seed=args.seed)), flush=True)
    return 0
