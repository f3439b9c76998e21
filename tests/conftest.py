"""Shared fixtures. Browser tests live in tests/e2e and have their own conftest."""

from __future__ import annotations

import os
from typing import Any

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("SHISAKU_DATABASE_URL", "").startswith("postgres")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs SHISAKU_DATABASE_URL (PostgreSQL)"))


@pytest.fixture(autouse=True)
def _clock_hour_reply_deadlines(settings: Any) -> None:
    """Most RFQ tests move the clock by hours from 'now', whatever the time of day: they use
    clock-hour deadlines. tests/apps/test_rfq_working_hours.py covers the office calendar."""
    settings.SHISAKU_WORKING_HOURS = ""


@pytest.fixture(autouse=True)
def _link_rate_limit_out_of_the_way(settings: Any) -> None:
    """The whole suite opens far more signed links from 127.0.0.1 than a person would; the
    limit itself is tested in tests/apps/test_claims_web.py."""
    settings.SHISAKU_LINK_RATE_LIMIT = 1_000_000
