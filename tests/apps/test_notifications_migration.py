"""The move of notifications from ``rfq`` to ``notifications`` keeps every row: ids, read
state and mutes, and new rows get new ids (PostgreSQL's sequence moved past the copies)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("rfq", "0005_nda_acceptance"), ("notifications", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    applied = [key for key in executor.loader.applied_migrations
               if key in executor.loader.graph.nodes]
    return executor.loader.project_state(applied).apps


def test_notifications_and_mutes_are_copied_with_their_read_state() -> None:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    user = User.objects.create(username="reader", email="reader@example.org")
    Note = old.get_model("rfq", "Notification")
    seen = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    unread = Note.objects.create(user=user, kind="quote", text="A quote", url="/rfqs/1/")
    read = Note.objects.create(user=user, kind="invited", text="Invited", url="/x/",
                               read_at=seen)
    old.get_model("rfq", "NotificationMute").objects.create(user=user, kind="message")

    new = _migrate(leaves)
    Moved = new.get_model("notifications", "Notification")
    rows = {n.pk: n for n in Moved.objects.all()}
    assert set(rows) == {unread.pk, read.pk}
    assert rows[unread.pk].read_at is None and rows[unread.pk].text == "A quote"
    assert rows[read.pk].read_at == seen and rows[read.pk].url == "/x/"
    assert list(new.get_model("notifications", "NotificationMute").objects.values_list(
        "kind", flat=True)) == ["message"]
    fresh = Moved.objects.create(user_id=user.pk, kind="quote", text="new")
    assert fresh.pk > max(rows)
    assert "rfq_notification" not in connection.introspection.table_names()
