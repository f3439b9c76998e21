"""SQLite only: timestamps written by earlier bulk loads as '…+00:00' text are rewritten the way
the ORM writes them ('…' without the offset), so that they sort with the others (the SQL
reference's "newest" order compares the text)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("directory_manufacturer",)
COLUMNS = ("created_at", "updated_at")


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            for column in COLUMNS:
                cursor.execute(
                    f"UPDATE {table} SET {column} = substr({column}, 1, length({column}) - 6) "  # noqa: S608
                    f"WHERE {column} LIKE '%+00:00'")


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_index_changes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
