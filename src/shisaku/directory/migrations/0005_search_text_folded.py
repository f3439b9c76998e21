"""Search text in its folded form (NFKC, case folded, no white space inside a field) so that the
SQL reference path matches what the in-memory index matches (docs/DIRECTORY.md)."""

from django.db import migrations

from shisaku.engines.directory.text import record_text_fields, search_text

_FIELDS = ("id", "name", "name_local", "city", "equipment", "description")


def forwards(apps, schema_editor):
    Manufacturer = apps.get_model("directory", "Manufacturer")
    last = 0
    while True:
        rows = list(Manufacturer.objects.filter(id__gt=last).order_by("id")
                    .values(*_FIELDS)[:2000])
        if not rows:
            return
        objs = [Manufacturer(id=r["id"], search_text=search_text(record_text_fields(r)))
                for r in rows]
        Manufacturer.objects.bulk_update(objs, ["search_text"], batch_size=500)
        last = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_manufacturer_contact")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
