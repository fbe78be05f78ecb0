"""On PostgreSQL, trigram indexes (pg_trgm) under the database engine's LIKE '% word %' filters.

They change no result, only how fast a word is found among many products: without them
PostgreSQL reads every entry, as SQLite does. Where the pg_trgm extension cannot be created (a
role without the right), the migration leaves the indexes out and the search still works.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "search_entry_document_trgm": "document",
    "search_entry_title_trgm": "title",
    "search_entry_producer_trgm": "producer",
}


def create_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_productsearchentry USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
