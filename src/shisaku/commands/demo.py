"""`shisaku demo`: set up the embedded database, load the sample data once, print the demo
logins and serve the platform on 127.0.0.1 together with the background worker (reply
deadlines, reminders, digests), both stopped on exit. The demo's e-mails are written as files
under ``SHISAKU_HOME/mail``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-serve", action="store_true", help="set up only; do not serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000") or 8000))
    parser.add_argument("--size", type=int, default=600,
                        help="synthetic manufacturers to generate (default 600, up to 1,000,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-worker", action="store_true",
                        help="serve without the background worker")


def _demo_environment(port: int) -> Path:
    """E-mails to files under SHISAKU_HOME/mail and links to this server, unless set."""
    home = Path(os.environ.get("SHISAKU_HOME", "var")).resolve()
    mail_dir = home / "mail"
    if not os.environ.get("SHISAKU_SMTP_HOST"):
        os.environ.setdefault("SHISAKU_MAIL_DIR", str(mail_dir))
    os.environ.setdefault("SHISAKU_SITE_URL", f"http://127.0.0.1:{port}")
    return Path(os.environ.get("SHISAKU_MAIL_DIR", str(mail_dir)))


def run(args: argparse.Namespace) -> int:
    from shisaku.errors import InputError

    if not 0 <= args.size <= 1_000_000:
        raise InputError("--size", "give a number from 0 to 1,000,000")
    if not 1 <= args.port <= 65535:
        raise InputError("--port", "give a port from 1 to 65535")
    mail_dir = _demo_environment(args.port)
    from shisaku.core.bootstrap import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    from shisaku.demo import demo_dataset_ensure
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import sample_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    summary = sample_load(size=args.size, seed=args.seed)
    loaded = time.perf_counter() - started  # migrations + the directory's bulk load
    logins_file = settings.HOME / "demo_logins.json"
    logins = demo_dataset_ensure(password_file=logins_file)
    from shisaku.orders.demo import demo_orders_ensure

    orders = demo_orders_ensure()
    from shisaku.insights.build import insights_refresh

    insights_refresh()  # the insights page's aggregates, from everything above
    elapsed = time.perf_counter() - started
    total = Manufacturer.objects.count()
    print(f"Database: {settings.DATABASES['default']['NAME']}")
    print(f"Directory: {total} providers ({summary.created} added now; migrations and the "
          f"directory's load took {loaded:.1f} s), sample projects with "
          f"a draft RFQ each and a proposed consortium, {orders} sample order(s) added, "
          f"in {elapsed:.1f} s")
    from shisaku.demo_history import demo_history_counts

    print(f"Sample history (18 months): {demo_history_counts().line()}")
    print(f"Demo logins ({len(logins)}; also in {logins_file}):")
    for login in logins:
        print(f"  {login['role']:<13} {login['username']:<18} {login['password']:<14} "
              f"{login['organisation']}")
    if os.environ.get("SHISAKU_MAIL_DIR"):
        print(f"E-mails (invitation links for firms without an account) are written to "
              f"{mail_dir}/")
    if args.no_serve:
        return 0
    return _serve_with_worker(args.port, worker=not args.no_worker)


def _serve_with_worker(port: int, *, worker: bool) -> int:
    """Run gunicorn and the huey consumer as child processes; stop both on exit."""
    from shisaku.commands.serve import gunicorn_argv

    children: list[subprocess.Popen[Any]] = []

    def stop(*_args: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, kill and a closed terminal all stop the children too (a SIGINT ignored by a
    # background shell would otherwise leave them running).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        if worker:
            children.append(subprocess.Popen(
                [sys.executable, "-c",
                 "import sys; from shisaku.cli import main; sys.exit(main(['worker', "
                 "'--workers', '1']))"]))
            print(f"Background worker running (pid {children[-1].pid}): reply deadlines, "
                  "reminders and digests.")
        print(f"Serving on http://127.0.0.1:{port}/  (Ctrl-C stops the server and the worker)")
        sys.stdout.flush()
        server = subprocess.Popen(gunicorn_argv("127.0.0.1", port, 2))  # noqa: S603
        children.append(server)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
