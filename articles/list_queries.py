"""The reader's lists (the home page's newest approved articles and latest
work in review, and search results) as SQL written once per process.

Building these queries with the ORM cost more Python than running them:
with the page cache off, about half of the home page's time. Like
articles/reader_queries.py, the columns come from the models' metadata and
the rows come back as ordinary model instances. The rule for what a reader
may see is the one in articles/feeds.public_articles, with the policy read
inside the same query; tests/test_discovery.py checks both lists and the
search against the ORM queries they stand for.
"""

import functools

from django.db import connection

from .models import Article, ArticleState, EditorialPolicy, Revision
from .public import IN_PROGRESS
from .reader_queries import Columns, table

# What a list entry shows; bodies and search columns stay in the database.
ARTICLE_FIELDS = (
    "title", "slug", "state", "published_revision_id", "submitted_at", "approved_at", "updated_at",
)  # fmt: skip
REVISION_FIELDS = ("title", "summary")
PUBLISHED_STATES = (ArticleState.APPROVED, *IN_PROGRESS)


@functools.cache
def _columns(vendor: str) -> tuple[Columns, Columns]:
    return Columns(Article, "a", only=ARTICLE_FIELDS), Columns(Revision, "r", only=REVISION_FIELDS)


def entry_columns() -> str:
    """The SELECT list of one entry: the article under alias a, its
    published revision (if any) under alias r."""
    article, revision = _columns(connection.vendor)
    return f"{article.sql}, {revision.sql}"


def load_entry(row) -> Article:
    """An article from the start of a row selected with entry_columns(),
    its published revision (or None) already attached."""
    article_columns, revision_columns = _columns(connection.vendor)
    article_values, at = article_columns.split(row, 0)
    revision_values, _ = revision_columns.split(row, at)
    article = article_columns.load(article_values)
    revision = None if revision_values is None else revision_columns.load(revision_values)
    article._state.fields_cache["published_revision"] = revision
    return article


def _in(name: str, values) -> str:
    return "(" + ", ".join(f"%({name}_{index})s" for index in range(len(values))) + ")"


def visible(stage: str = "") -> str:
    """SQL for "a reader may open article a" (public_articles' rule), with
    the policy's choice on work in review read in place; `stage` keeps only
    approved articles or only work in review. Takes visible_params()."""
    q = connection.ops.quote_name
    published = (
        f"a.{q('published_revision_id')} IS NOT NULL "
        f"AND a.{q('state')} IN {_in('published', PUBLISHED_STATES)}"
    )
    in_review = (
        f"COALESCE((SELECT p.{q('public_in_review')} FROM {table(EditorialPolicy)} p "
        f"WHERE p.{q('id')} = %(policy)s), %(public_in_review)s) "
        f"AND a.{q('state')} IN {_in('in_review', IN_PROGRESS)} "
        f"AND a.{q('submitted_at')} IS NOT NULL"
    )
    if stage == "approved":  # the second rule only ever adds articles without one
        return published
    if stage == "in_review":
        return f"a.{q('published_revision_id')} IS NULL AND {in_review}"
    return f"(({published}) OR ({in_review}))"


def visible_params() -> dict:
    params = {
        "policy": EditorialPolicy.THE_ROW,
        # A site whose policy is not saved yet follows the default.
        "public_in_review": EditorialPolicy._meta.get_field("public_in_review").default,
    }
    for name, states in (("published", PUBLISHED_STATES), ("in_review", IN_PROGRESS)):
        params.update({f"{name}_{index}": str(state) for index, state in enumerate(states)})
    return params


@functools.cache
def _home_sql(vendor: str) -> tuple[str, str]:
    q = connection.ops.quote_name
    entries = (
        f"SELECT {entry_columns()} FROM {table(Article)} a "
        f"LEFT JOIN {table(Revision)} r ON r.{q('id')} = a.{q('published_revision_id')} "
    )
    # Newest first walks the approved_at index; work in review is a short
    # list, by the last workflow step (which bumps the cached page's version).
    newest = (
        f"{entries} WHERE {visible('approved')} "
        f"ORDER BY a.{q('approved_at')} DESC, a.{q('id')} DESC "
        f"LIMIT %(limit)s OFFSET %(offset)s"
    )
    in_review = (
        f"{entries} WHERE {visible('in_review')} "
        f"ORDER BY a.{q('submitted_at')} DESC, a.{q('id')} DESC LIMIT %(limit)s"
    )
    return newest, in_review


def _entries(sql: str, params: dict) -> list[Article]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [load_entry(row) for row in cursor.fetchall()]


class NewestApproved:
    """Approved articles, newest first, sliced like a queryset."""

    def __getitem__(self, window: slice) -> list[Article]:
        newest, _ = _home_sql(connection.vendor)
        start = window.start or 0
        params = {**visible_params(), "limit": window.stop - start, "offset": start}
        return _entries(newest, params)


def latest_in_review(limit: int) -> list[Article]:
    """Work in review readers may follow (none when the policy hides it),
    latest submitted first."""
    _, in_review = _home_sql(connection.vendor)
    return _entries(in_review, {**visible_params(), "limit": limit})
