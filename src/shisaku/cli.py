"""The `shisaku` command: parses arguments and hands over to one module of shisaku.commands.

Exit codes: 0 ok, 2 bad input (the message names the field and the reason), 1 failure.
Each command module keeps its heavy imports inside ``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from collections.abc import Sequence

from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError

# name -> (module under shisaku.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "set up the embedded database with sample data and serve it"),
    "serve": ("serve", "serve the platform"),
    "worker": ("worker", "run the background worker (reply-time checks, notifications)"),
    "migrate": ("migrate", "create or update the database tables"),
    "manage": ("manage", "run a Django management command"),
    "import": ("importer", "import manufacturers from CSV, XLSX or JSON"),
    "export": ("exporter", "export manufacturers as JSON, CSV or XLSX"),
    "publish": ("publish", "write the directory's open-data snapshot (Frictionless Data Package)"),
    "match": ("match", "rank the manufacturers eligible for a requirement"),
    "estimate": ("estimate", "geometry, DFM checks, costs and sourcing plan for a CAD file"),
    "consortium": ("consortium", "plan a joint order: one firm per work package and a lead"),
    "insights": ("insights", "compute the insights aggregates now (the worker does it too)"),
    "bench": ("bench", "run a benchmark (matching, consortium, estimate, api)"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shisaku", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        if importlib.util.find_spec(f"shisaku.commands.{module_name}") is None:
            continue  # a command whose module is not part of this build
        module = importlib.import_module(f"shisaku.commands.{module_name}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == "manage":
            p.add_argument("args", nargs=argparse.REMAINDER)
        else:
            module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def report_input_error(exc: Exception) -> int:
    """Print a bad-input error on stderr (JSON when it names a field) and return exit code 2."""
    if isinstance(exc, UnknownCodeError):
        payload: dict[str, object] = {"field": exc.kind, "reason": str(exc), "valid": exc.valid}
    elif isinstance(exc, InputError):
        payload = exc.as_dict()
    else:
        payload = {"field": "", "reason": str(exc)}
    print(f"error: {json.dumps(payload, ensure_ascii=False)}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except (InputError, UnknownCodeError) as exc:
        return report_input_error(exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
