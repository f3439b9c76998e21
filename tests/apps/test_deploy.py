"""Production settings pass Django's deployment checklist; the test database is the one CI asks for."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_check_deploy_is_clean_with_production_settings(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"SHISAKU_PRODUCTION": "1", "SHISAKU_HOME": str(tmp_path),
           "SHISAKU_SECRET_KEY": "k" * 20 + "-not-a-real-secret-" + "z" * 30,
           "SHISAKU_ALLOWED_HOSTS": "shisaku.example.org"})
    result = subprocess.run(
        [sys.executable, "-m", "shisaku.cli", "manage", "check", "--deploy",
         "--fail-level", "WARNING"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SHISAKU_SECRET_KEY"}
    env.update({"SHISAKU_PRODUCTION": "1", "SHISAKU_HOME": str(tmp_path)})
    result = subprocess.run([sys.executable, "-m", "shisaku.cli", "manage", "check"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SHISAKU_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_ci_runs_on_the_database_it_asked_for() -> None:
    from django.db import connection

    wanted = "postgresql" if os.environ.get("SHISAKU_DATABASE_URL") else "sqlite"
    assert connection.vendor == wanted
