"""Search documents: what reader search finds for each article, moved off
the article's row (articles.0015 drops its three search columns once their
values are copied here)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

GIN_INDEX = "reader_searchdocument_vector_gin"


def copy_from_articles(apps, schema_editor):
    # Plain SQL: on PostgreSQL the tsvectors move as they are, without
    # passing through Python. Articles with nothing public have no text.
    schema_editor.execute(
        "INSERT INTO reader_searchdocument (article_id, text, vector, rank_vector) "
        "SELECT id, search_text, search_vector, search_rank_vector FROM articles_article "
        "WHERE search_text <> ''"
    )


def copy_back_to_articles(apps, schema_editor):
    # Runs after articles.0015 has been reversed, so the columns are back.
    def from_document(column):
        return (
            f"(SELECT d.{column} FROM reader_searchdocument d "
            f"WHERE d.article_id = articles_article.id)"
        )

    schema_editor.execute(
        f"UPDATE articles_article SET search_text = COALESCE({from_document('text')}, ''), "
        f"search_vector = {from_document('vector')}, "
        f"search_rank_vector = {from_document('rank_vector')}"
    )


def create_gin_index(apps, schema_editor):
    # Full-text search runs on PostgreSQL; SQLite uses a plain text match.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON reader_searchdocument USING GIN (vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0014_single_line_fields_refuse_line_breaks"),
    ]
    # The columns are copied before articles drops them; articles' own
    # migrations need not know about this app.
    run_before = [
        ("articles", "0015_search_columns_moved_to_reader"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="PublicArticle",
            fields=[],
            options={
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("articles.article",),
        ),
        migrations.RunPython(copy_from_articles, copy_back_to_articles),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
