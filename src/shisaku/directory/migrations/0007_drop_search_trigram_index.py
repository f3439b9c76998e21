"""Drop the PostgreSQL trigram index over ``search_text`` (issue 14).

Directory text search is served by the in-memory n-gram index (docs/DIRECTORY.md); the only
SQL that still reads ``search_text`` is the reference path of the property tests and of
``shisaku bench directory``. Keeping the GIN index cost 34–37 s of server CPU on every bulk
load of 100,000 firms (it was rebuilt after the load) for no query that pages serve.
"""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_manufacturer_search_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS directory_manufacturer_search_trgm "
                "ON directory_manufacturer USING gin (search_text gin_trgm_ops)")
    except Exception as exc:  # no right to create extensions: the reference path still works
        log.warning("pg_trgm index not created: %s", exc)


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_merge_20261130_0633")]
    operations = [migrations.RunPython(forwards, backwards)]
