"""On PostgreSQL, a trigram index makes substring search (Korean, Japanese, Latin) fast."""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS directory_manufacturer_search_trgm "
                "ON directory_manufacturer USING gin (search_text gin_trgm_ops)")
    except Exception as exc:  # no right to create extensions: search still works, unindexed
        log.warning("pg_trgm index not created: %s", exc)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_manufacturer_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
