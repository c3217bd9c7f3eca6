# Trigram indexes for the agreement search (agreements.filters: title, case number or a
# party's name, "contains", any case). On PostgreSQL `icontains` is UPPER(column::text) LIKE
# UPPER('%term%'), which no B-tree index serves: without these every visible agreement is
# read and compared, so the search grows with the organisation's agreements instead of with
# the matches. pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+: the
# database's owner may create it). SQLite has no such index: nothing is done there.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [  # (name, table, column): the expression must be the one icontains compares
    ("agreement_title_trgm", "agreements_agreement", "title"),
    ("agreement_case_number_trgm", "agreements_agreement", "case_number"),
    ("party_name_trgm", "agreements_party", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0009_due_item_untranslated_texts_and_period"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
