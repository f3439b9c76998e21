"""Search texts folded again where a spacing mark met a space (``カ゛ラス`` was stored as
``カ`` + a combining mark + ``ラス``, so ``ガラス`` did not find it; engines.directory.text now
removes white space before a combining mark and composes again). Only rows whose stored text is
not in NFKC can differ; they are refolded from their fields and logged as directory changes so
that every serving process patches them in (docs/DIRECTORY.md, "Keeping the index current")."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.db import migrations
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest

from shisaku.engines.directory.text import record_text_fields, search_text

GENERATION = "directory"  # services.GENERATION
CHANGE_LOG_LIMIT = 2000  # services.CHANGE_LOG_LIMIT
_FIELDS = ("id", "name", "name_local", "city", "equipment", "description", "search_text")


def forwards(apps: Any, schema_editor: Any) -> None:
    manufacturer = apps.get_model("directory", "Manufacturer")
    changed: list[Any] = []
    rows = manufacturer.objects.order_by("id").values_list(*_FIELDS).iterator(chunk_size=5000)
    for row in rows:
        record = dict(zip(_FIELDS, row, strict=True))
        stored = record["search_text"] or ""
        if unicodedata.is_normalized("NFKC", stored):
            continue  # (then refolding gives the same text)
        text = search_text(record_text_fields(record))
        if text != stored:
            changed.append(manufacturer(id=record["id"], search_text=text))
    if not changed:
        return
    manufacturer.objects.bulk_update(changed, ["search_text"], batch_size=1000)
    now_us = time.time_ns() // 1000
    generation = apps.get_model("core", "DataGeneration")
    bumped = Greatest(F("number") + 1, Value(now_us, output_field=BigIntegerField()))
    if not generation.objects.filter(name=GENERATION).update(number=bumped):
        generation.objects.create(name=GENERATION, number=now_us)
    change = apps.get_model("directory", "DirectoryChange")
    if len(changed) > CHANGE_LOG_LIMIT:
        change.objects.create(manufacturer_id=None, at_us=now_us)
    else:
        change.objects.bulk_create([change(manufacturer_id=m.id, at_us=now_us) for m in changed])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_sqlite_timestamps_as_the_orm_writes_them"),
        ("core", "0002_verbose_names_plural"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
