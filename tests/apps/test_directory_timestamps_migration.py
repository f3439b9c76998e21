"""Migration directory 0009 rewrites SQLite timestamps stored as '…+00:00' by earlier bulk loads
the way the ORM writes them, so that they sort with the others."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturers_save
from tests.factories import record

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "shisaku.directory.migrations.0009_sqlite_timestamps_as_the_orm_writes_them")


def test_offset_suffixes_are_removed_and_order_follows_time() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite stores timestamps as text")
    manufacturers_save(records=[record("Older"), record("Newer")])
    older, newer = (Manufacturer.objects.get(name=n) for n in ("Older", "Newer"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_manufacturer SET created_at = "
                       "'2026-01-02 03:04:05.000006+00:00' WHERE id = %s", [older.pk])
        cursor.execute("UPDATE directory_manufacturer SET created_at = "
                       "'2026-01-02 03:04:05.5' WHERE id = %s", [newer.pk])
    migration.forwards(None, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(created_at AS TEXT) FROM directory_manufacturer WHERE id = %s",
                       [older.pk])
        assert cursor.fetchone()[0] == "2026-01-02 03:04:05.000006"
    ordered = list(Manufacturer.objects.filter(pk__in=[older.pk, newer.pk])
                   .order_by("-created_at").values_list("name", flat=True))
    assert ordered == ["Newer", "Older"]
