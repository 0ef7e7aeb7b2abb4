"""The reader's lists (the home page's newest approved articles and latest
work in review, and search results) as SQL written once per process.

Building these queries with the ORM cost more Python than running them,
and so did building a model instance for each entry: with the page cache
off, most of the home page's time. So a list entry is a small record of
what the list shows (templates/jinja2/articles/_article_list.html). The
rule for what a reader may see is the one in feeds.public_articles, with
the policy read inside the same query; tests/test_discovery.py checks both
lists and the search against the ORM queries they stand for.
"""

import functools
from dataclasses import dataclass

from django.db import connection

from .models import PUBLIC_STAGE_OF_STATE, Article, ArticleState, EditorialPolicy, Revision
from .public import IN_PROGRESS
from .reader_queries import table

PUBLISHED_STATES = (ArticleState.APPROVED, *IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class PublishedText:
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One article in a list, as a reader sees it: its published title and
    summary when it has been approved, else its working title and stage."""

    pk: int
    title: str
    slug: str
    state: str
    published_revision_id: int | None
    published_revision: PublishedText | None

    @property
    def public_stage(self):
        return PUBLIC_STAGE_OF_STATE.get(self.state)


def entry_columns() -> str:
    """The SELECT list of one entry: the article under alias a, its
    published revision (if any) under alias r."""
    q = connection.ops.quote_name
    article = ", ".join(
        f"a.{q(column)}" for column in ("id", "title", "slug", "state", "published_revision_id")
    )
    return f"{article}, r.{q('title')}, r.{q('summary')}"


def load_entry(row) -> Entry:
    """An entry from the start of a row selected with entry_columns()."""
    pk, title, slug, state, published_id, published_title, summary = row[:7]
    published = None if published_id is None else PublishedText(published_title, summary)
    return Entry(pk, title, slug, state, published_id, published)


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


@functools.cache
def _visible_params() -> dict:
    params = {
        "policy": EditorialPolicy.THE_ROW,
        # A site whose policy is not saved yet follows the default.
        "public_in_review": EditorialPolicy._meta.get_field("public_in_review").default,
    }
    for name, states in (("published", PUBLISHED_STATES), ("in_review", IN_PROGRESS)):
        params.update({f"{name}_{index}": str(state) for index, state in enumerate(states)})
    return params


def visible_params() -> dict:
    """The parameters visible() takes, in a dict of the caller's own."""
    return dict(_visible_params())


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


def _entries(sql: str, params: dict) -> list[Entry]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [load_entry(row) for row in cursor.fetchall()]


class NewestApproved:
    """Approved articles, newest first, sliced like a queryset."""

    def __getitem__(self, window: slice) -> list[Entry]:
        newest, _ = _home_sql(connection.vendor)
        start = window.start or 0
        params = {**visible_params(), "limit": window.stop - start, "offset": start}
        return _entries(newest, params)


def latest_in_review(limit: int) -> list[Entry]:
    """Work in review readers may follow (none when the policy hides it),
    latest submitted first."""
    _, in_review = _home_sql(connection.vendor)
    return _entries(in_review, {**visible_params(), "limit": limit})
