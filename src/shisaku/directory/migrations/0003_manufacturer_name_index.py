from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_trigram_index")]

    operations = [
        migrations.AddIndex(
            model_name="manufacturer",
            index=models.Index(fields=["name", "id"], name="manufacturer_name_id"),
        ),
    ]
