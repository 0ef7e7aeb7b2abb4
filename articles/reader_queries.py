"""The reads behind every uncached view of the reader's article page: the
article with its published revision and the editorial policy (one query),
the references, and the valid board sign-offs.

Building and compiling these queries took Django's ORM more time than
running them, about a quarter of the whole page. So each is written here as
plain SQL, once per process, from the models' own metadata (tables, columns,
and the database backend's value converters), and returns ordinary model
instances: everything downstream is unchanged. tests/test_reader_queries.py
checks each against the ORM query it stands for.
"""

import functools
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model
from django.http import Http404

from accounts.models import User
from reviews.models import BoardSignoff, SignoffWithdrawal

from .models import Article, EditorialPolicy, Reference, Revision


class Columns:
    """A model's columns in a SELECT under a table alias, and the rows read
    back into instances, with the conversions the ORM would apply (SQLite
    returns dates as text, for example)."""

    def __init__(self, model: type[Model], alias: str, exclude: Sequence[str] = ()):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in exclude]
        self.names = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def __len__(self) -> int:
        return len(self.fields)

    def load(self, values: Sequence):
        if self.converters:
            values = list(values)
            for index, column, converters in self.converters:
                for convert in converters:
                    values[index] = convert(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _queries(vendor: str) -> dict:
    """Compiled once per database backend (tests may switch between them)."""
    quote = connection.ops.quote_name
    article = Columns(Article, "a", exclude=Article.SEARCH_FIELDS)
    published = Columns(Revision, "r")
    policy = Columns(EditorialPolicy, "p")
    reference = Columns(Reference, "f")
    signoff = Columns(BoardSignoff, "s")
    signer = Columns(User, "u")
    return {
        # The policy's one row rides along: one round trip fewer per page.
        "article": (
            article,
            published,
            policy,
            f"SELECT {article.sql}, {published.sql}, {policy.sql} FROM {table(Article)} a "
            f"LEFT JOIN {table(Revision)} r "
            f"ON r.{quote('id')} = a.{quote('published_revision_id')} "
            f"LEFT JOIN {table(EditorialPolicy)} p ON p.{quote('id')} = %s "
            f"WHERE a.{quote('slug')} = %s",
        ),
        "policy": (
            policy,
            f"SELECT {policy.sql} FROM {table(EditorialPolicy)} p WHERE p.{quote('id')} = %s",
        ),
        "references": (
            reference,
            f"SELECT {reference.sql} FROM {table(Reference)} f "
            f"WHERE f.{quote('revision_id')} = %s ORDER BY f.{quote('position')}",
        ),
        "signoffs": (
            signoff,
            signer,
            f"SELECT {signoff.sql}, {signer.sql} FROM {table(BoardSignoff)} s "
            f"INNER JOIN {table(User)} u ON u.{quote('id')} = s.{quote('signer_id')} "
            # BoardSignoff.objects.valid_for(revision, content_hash), spelled out.
            f"WHERE s.{quote('revision_id')} = %s AND s.{quote('content_hash')} = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {table(SignoffWithdrawal)} w "
            f"WHERE w.{quote('signoff_id')} = s.{quote('id')}) "
            f"ORDER BY s.{quote('signed_at')}, s.{quote('id')}",
        ),
    }


def _rows(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def public_article(slug: str) -> tuple[Article, EditorialPolicy]:
    """The article with this slug (search columns left unread), its
    published revision if any, and the editorial policy, in one query; 404
    when there is no such article."""
    article_columns, revision_columns, policy_columns, sql = _queries(connection.vendor)["article"]
    rows = _rows(sql, [EditorialPolicy.THE_ROW, slug])
    if not rows:
        raise Http404("No article here.")
    row = rows[0]
    article = article_columns.load(row[: len(article_columns)])
    revision = None
    if article.published_revision_id is not None:
        start = len(article_columns)
        revision = revision_columns.load(row[start : start + len(revision_columns)])
        revision._state.fields_cache["article"] = article
    article._state.fields_cache["published_revision"] = revision
    policy_values = row[len(article_columns) + len(revision_columns) :]
    if policy_values[0] is None:  # a new site: create it the usual way
        return article, EditorialPolicy.current()
    return article, policy_columns.load(policy_values)


def editorial_policy() -> EditorialPolicy:
    columns, sql = _queries(connection.vendor)["policy"]
    rows = _rows(sql, [EditorialPolicy.THE_ROW])
    if not rows:  # a new site: create it the usual way
        return EditorialPolicy.current()
    return columns.load(rows[0])


def references(revision: Revision) -> list[Reference]:
    columns, sql = _queries(connection.vendor)["references"]
    found = []
    for row in _rows(sql, [revision.pk]):
        reference = columns.load(row)
        reference._state.fields_cache["revision"] = revision
        found.append(reference)
    return found


def valid_signoffs(revision: Revision, content_hash: str) -> list[BoardSignoff]:
    """Sign-offs that count for exactly this content (not withdrawn), oldest
    first, with signers."""
    signoff_columns, signer_columns, sql = _queries(connection.vendor)["signoffs"]
    found = []
    for row in _rows(sql, [revision.pk, content_hash]):
        signoff = signoff_columns.load(row[: len(signoff_columns)])
        signoff._state.fields_cache["signer"] = signer_columns.load(row[len(signoff_columns) :])
        signoff._state.fields_cache["revision"] = revision
        found.append(signoff)
    return found
