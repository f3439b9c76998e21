"""The faster bulk path (issue #14, session 4) stores what the plain path stored: rows built in
one pass, facet rows read by SQLite from one JSON text per batch, rows made in a helper
process, batch links in one statement; a failure anywhere still leaves nothing behind."""

from __future__ import annotations

import gc
import json
import uuid
from typing import Any

import pytest
from django.db import connection

from shisaku.directory import bulk, services
from shisaku.directory.models import Capability, ImportBatch, Manufacturer, ManufacturerFacet
from shisaku.directory.records import facets_of
from shisaku.sampledata import generate_manufacturers, load_maker_spaces

pytestmark = pytest.mark.django_db(transaction=True)


def _records(n: int, seed: int = 5) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "id"} for r in generate_manufacturers(n, seed=seed)]


def _awkward() -> dict[str, Any]:
    """Repeated codes, a process twice, materials shared between capabilities, no block."""
    return {
        "slug": "awkward-firm", "name": "Awkward Firm", "name_local": "어색한 정밀",
        "country": "KR", "region": "KR-47", "lat": 36.0, "lon": 128.5,
        "stages": ["prototyping", "prototyping", "dfm"], "languages": ["ko", "en", "ko"],
        "technologies": ["software"], "certifications": [], "product_fields": None,
        "description": {"ko": "Ｆｕｌｌ　ｗｉｄｔｈ 설명", "en": "A  firm"},
        "capabilities": [
            {"process": "cnc_milling", "materials": ["aluminum_6061", "mild_steel",
                                                     "aluminum_6061"]},
            {"process": "sheet_metal", "materials": ["mild_steel", "stainless_304"]},
            {"process": "cnc_milling", "materials": ["titanium", "aluminum_6061"],
             "max_part_mm": [100, 50, 20], "tolerance_mm": 0.01},
        ],
    }


def _stored() -> dict[str, list[tuple[Any, ...]]]:
    """Every directory row (without random public ids and timestamps), in id order."""
    skip = {"public_id", "created_at", "updated_at"}
    out = {}
    for model in (Manufacturer, Capability, ManufacturerFacet):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        out[model.__name__] = list(model.objects.order_by("id").values_list(*names))
    return out


def _expected_facets() -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for firm in Manufacturer.objects.order_by("id"):
        record = {"stages": firm.stages, "product_fields": firm.product_fields,
                  "technologies": firm.technologies, "certifications": firm.certifications,
                  "languages": firm.languages,
                  "capabilities": [{"process": c.process, "materials": c.materials}
                                   for c in firm.capabilities.order_by("id")]}
        out[firm.pk] = list(facets_of(record))
    return out


def test_facet_rows_are_those_of_facets_of_in_order() -> None:
    records = [_awkward(), *list(load_maker_spaces())[:5], *_records(40)]
    services.manufacturers_save(records=records)
    rows = list(ManufacturerFacet.objects.order_by("id").values_list("manufacturer_id", "kind",
                                                                     "code"))
    expected = [(pk, kind, code) for pk, pairs in _expected_facets().items()
                for kind, code in pairs]
    assert rows == expected
    awkward = Manufacturer.objects.get(slug="awkward-firm")
    assert [(k, c) for _pk, k, c in rows if _pk == awkward.pk] == [
        ("stage", "prototyping"), ("stage", "dfm"), ("technology", "mechanism"),
        ("technology", "software"), ("language", "ko"), ("language", "en"),
        ("process", "cnc_milling"), ("process", "sheet_metal"), ("material", "aluminum_6061"),
        ("material", "mild_steel"), ("material", "stainless_304"), ("material", "titanium")]


def test_new_rows_store_what_fields_of_says() -> None:
    records = [_awkward(), *_records(20)]
    services.manufacturers_save(records=records)
    for record in records:
        firm = Manufacturer.objects.get(slug=record["slug"])
        for name, value in services._fields_of(record).items():
            assert getattr(firm, name) == value, (record["slug"], name)
        assert firm.public_id.version == 4 and firm.delivered_orders == 0
        assert firm.created_at == firm.updated_at


@pytest.mark.parametrize("threshold", [10, 10**9])
def test_helper_process_stores_the_same(monkeypatch: Any, threshold: int) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 10)
    monkeypatch.setattr(bulk, "HELPER_FROM", threshold)
    records = [_awkward(), *_records(45)]
    summary = services.manufacturers_save(records=iter(records), expected=len(records),
                                          batch_size=7)
    assert summary.created == 46 and list(summary.created_ids) == sorted(summary.created_ids)
    stored = _stored()
    assert len(stored["Manufacturer"]) == 46
    assert [r[0] for r in stored["ManufacturerFacet"]] == sorted(
        r[0] for r in stored["ManufacturerFacet"])
    other = _stored_after_plain_load(records)
    assert stored == other


def _stored_after_plain_load(records: list[dict[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    """What the in-process path stores for ``records`` from empty tables (ids as above)."""
    first = Manufacturer.objects.order_by("id").values_list("id", flat=True).first()
    cap_first = Capability.objects.order_by("id").values_list("id", flat=True).first()
    facet_first = ManufacturerFacet.objects.order_by("id").values_list("id", flat=True).first()
    Manufacturer.objects.all().delete()
    with connection.cursor() as cursor:  # the same keys again
        for table, start in (("directory_manufacturer", first), ("directory_capability", cap_first),
                             ("directory_manufacturerfacet", facet_first)):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                               [table, start])
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                               [start - 1, table])
    services.manufacturers_save(records=[dict(r) for r in records], batch_size=7)
    return _stored()


def test_failure_in_the_helper_reaches_the_caller_and_changes_nothing(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 10)
    monkeypatch.setattr(bulk, "HELPER_FROM", 10)
    records = _records(30)
    del records[20]["slug"]  # the helper fails on the third batch
    with pytest.raises(KeyError):
        services.manufacturers_save(records=records, expected=len(records), batch_size=10)
    assert Manufacturer.objects.count() == 0 and Capability.objects.count() == 0
    assert ManufacturerFacet.objects.count() == 0


def test_failed_write_stops_the_helper(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 10)
    monkeypatch.setattr(bulk, "HELPER_FROM", 10)
    records = _records(40)
    records[12]["slug"] = records[3]["slug"]  # the second batch breaks the unique slug
    with pytest.raises(Exception):  # the database's own integrity error
        services.manufacturers_save(records=records, expected=len(records), batch_size=10)
    assert Manufacturer.objects.count() == 0 and ManufacturerFacet.objects.count() == 0


def test_made_elsewhere_yields_in_order_and_reaps_its_helper() -> None:
    made = list(bulk.made_elsewhere(lambda: iter(range(1000)), helper=True))
    assert made == list(range(1000))
    early = bulk.made_elsewhere(lambda: iter(range(10**9)), helper=True)
    assert next(early) == 0
    early.close()  # kills and waits for the helper: no zombie left
    import os

    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_uuid4_hex_is_random_version_4() -> None:
    ids = services._uuid4_hex(500)
    assert len(set(ids)) == 500
    for text in ids:
        value = uuid.UUID(hex=text)
        assert value.version == 4 and value.variant == uuid.RFC_4122 and value.hex == text


def test_batch_links_in_one_statement_keep_order() -> None:
    services.manufacturers_save(records=_records(5))
    ids = list(Manufacturer.objects.order_by("-id").values_list("id", flat=True))
    batch = ImportBatch.objects.create(source="test", file_name="x.json", file_format="json")
    services._batch_link(batch, ids)
    through = ImportBatch.manufacturers.through
    assert list(through.objects.filter(importbatch=batch).order_by("id")
                .values_list("manufacturer_id", flat=True)) == ids


def test_gc_paused_restores_collection() -> None:
    assert gc.isenabled()
    with bulk.gc_paused():
        assert not gc.isenabled()
        with bulk.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk.gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_keyed_rows_from_json_or_rows_are_the_same() -> None:
    services.manufacturers_save(records=_records(3))
    ids = list(Manufacturer.objects.order_by("id").values_list("id", flat=True))
    ManufacturerFacet.objects.all().delete()
    rows = [(2, "stage", "dfm"), (0, "language", "한국어"), (0, "stage", "dfm")]
    table, columns = "directory_manufacturerfacet", ("manufacturer_id", "kind", "code")
    bulk.insert_keyed_rows(table, columns, ids, bulk.json_text_of_rows(rows))
    as_json = list(ManufacturerFacet.objects.order_by("id").values_list(*columns))
    ManufacturerFacet.objects.all().delete()
    bulk.insert_keyed_rows(table, columns, [ids[0], ids[2], ids[1]][:3], rows)  # not a run
    as_rows = list(ManufacturerFacet.objects.order_by("id").values_list(*columns))
    assert as_json == [(ids[2], "stage", "dfm"), (ids[0], "language", "한국어"),
                       (ids[0], "stage", "dfm")]
    assert as_rows == [(ids[1], "stage", "dfm"), (ids[0], "language", "한국어"),
                       (ids[0], "stage", "dfm")]


def test_json_text_memo_is_what_json_dumps_writes() -> None:
    for value in (["a", "b"], [], {"ko": "가"}, ["a", 1]):
        assert bulk.json_text(value) == json.dumps(value)
        assert bulk.json_text(value) == json.dumps(value)
