"""The three search columns leave the article's row: reader.SearchDocument
holds them now (reader.0001 copies their values first)."""

from django.db import migrations


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS articles_article_search_gin")


def create_gin_index(apps, schema_editor):
    # Reversed: the columns are back, so is their index (see 0006).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS articles_article_search_gin "
            "ON articles_article USING GIN (search_vector)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_single_line_fields_refuse_line_breaks"),
    ]

    operations = [
        migrations.RunPython(drop_gin_index, create_gin_index),
        migrations.RemoveField(model_name="article", name="search_rank_vector"),
        migrations.RemoveField(model_name="article", name="search_text"),
        migrations.RemoveField(model_name="article", name="search_vector"),
    ]
