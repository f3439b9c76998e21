"""Notifications moved to the ``notifications`` app (below ``rfq``): copy every row, ids and
read state kept, then drop the old tables. Reversible (copies back)."""

from django.core.management.color import no_style
from django.db import migrations


def _copy(apps, schema_editor, source, target):
    db = schema_editor.connection.alias
    for old_name, new_name in (("Notification", "Notification"),
                               ("NotificationMute", "NotificationMute")):
        Old = apps.get_model(source, old_name)
        New = apps.get_model(target, new_name)
        wanted = {f.attname for f in New._meta.concrete_fields}
        fields = [f.attname for f in Old._meta.concrete_fields if f.attname in wanted]
        rows = Old.objects.using(db).order_by("pk").values(*fields).iterator(chunk_size=2000)
        batch = []
        for row in rows:
            batch.append(New(**row))
            if len(batch) >= 2000:
                New.objects.using(db).bulk_create(batch)
                batch = []
        if batch:
            New.objects.using(db).bulk_create(batch)
        # explicit ids were written: move the id sequence past them (PostgreSQL)
        sql = schema_editor.connection.ops.sequence_reset_sql(no_style(), [New])
        with schema_editor.connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def forward(apps, schema_editor):
    _copy(apps, schema_editor, "rfq", "notifications")


def backward(apps, schema_editor):
    _copy(apps, schema_editor, "notifications", "rfq")


class Migration(migrations.Migration):

    dependencies = [
        ("rfq", "0005_nda_acceptance"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
        migrations.DeleteModel(name="NotificationMute"),
    ]
