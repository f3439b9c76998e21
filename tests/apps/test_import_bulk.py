"""The bulk path (issue #14): COPY / executemany, indexes built after an initial load, all or
nothing, ANALYZE; the same results as the row-by-row ORM."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from shisaku.directory import bulk
from shisaku.directory.models import Capability, Manufacturer, ManufacturerFacet
from shisaku.directory.services import manufacturers_save
from shisaku.sampledata import generate_manufacturers

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ("directory_manufacturer", "directory_capability", "directory_manufacturerfacet")


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {name for table in TABLES
                for name, *_rest in connection.introspection.get_constraints(
                    cursor, table).items()}


def _records(n: int) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "id"} for r in generate_manufacturers(n, seed=3)]


def test_initial_load_rebuilds_indexes_and_keeps_everything(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 10)
    before = _indexes()
    records = _records(60)
    summary = manufacturers_save(records=records, expected=len(records), batch_size=25)
    assert summary.created == 60 and len(set(summary.created_ids)) == 60
    assert _indexes() == before
    caps = sum(len(r["capabilities"]) for r in records)
    assert Capability.objects.count() == caps
    one = Manufacturer.objects.get(slug=records[7]["slug"])
    assert one.capabilities.count() == len(records[7]["capabilities"])
    assert ManufacturerFacet.objects.filter(manufacturer=one, kind="process").count() == len(
        {c["process"] for c in records[7]["capabilities"]})


def test_failed_large_load_changes_nothing(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 10)
    before = _indexes()
    records = _records(30)
    records[-1]["slug"] = records[0]["slug"]  # the unique slug fails the load at the end
    with pytest.raises(Exception):
        manufacturers_save(records=records, expected=len(records), batch_size=10)
    assert Manufacturer.objects.count() == 0 and Capability.objects.count() == 0
    assert _indexes() == before


def test_allocated_ids_follow_the_stored_ones() -> None:
    manufacturers_save(records=_records(3))
    top = max(Manufacturer.objects.values_list("id", flat=True))
    from django.db import transaction

    with transaction.atomic():
        assert bulk.allocate_ids(Manufacturer, 3)[0] > top
