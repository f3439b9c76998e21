# Delivery facts read by matching (from shisaku.orders) and a stable public identifier for
# open data. Existing rows get their own UUID (added nullable, filled, then made unique).
import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Manufacturer = apps.get_model("directory", "Manufacturer")
    batch = []
    for pk in Manufacturer.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        batch.append(Manufacturer(pk=pk, public_id=uuid.uuid4()))
        if len(batch) >= 5000:
            Manufacturer.objects.bulk_update(batch, ["public_id"])
            batch = []
    if batch:
        Manufacturer.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_manufacturer_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="manufacturer",
            name="delivered_orders",
            field=models.PositiveIntegerField(default=0, verbose_name="orders delivered (12 months)"),
        ),
        migrations.AddField(
            model_name="manufacturer",
            name="on_time_rate",
            field=models.FloatField(blank=True, null=True, verbose_name="on-time delivery rate"),
        ),
        migrations.AddField(
            model_name="manufacturer",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public identifier"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="manufacturer",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                   verbose_name="public identifier"),
        ),
    ]
