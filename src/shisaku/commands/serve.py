"""`shisaku serve`: serve the platform with gunicorn (static files by whitenoise)."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SHISAKU_WORKERS", "2")))


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """Collect static files when needed and return the gunicorn command line."""
    from shisaku.core.bootstrap import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    return [sys.executable, "-m", "gunicorn", "shisaku.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            "--timeout", "60"]


def serve(host: str, port: int, workers: int) -> int:
    """Replace this process with gunicorn serving shisaku.wsgi on host:port."""
    argv = gunicorn_argv(host, port, workers)
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and arguments


def run(args: argparse.Namespace) -> int:
    return serve(args.host, args.port, args.workers)
