"""Reader search over public articles.

PostgreSQL: a weighted tsvector per article (title A, summary B, body C),
GIN-indexed, ranked with ts_rank and highlighted with ts_headline, all in
one query written once per process. SQLite (development): every word must
appear in the plain search text; title matches rank first.
"""

import functools
import re

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.validators import without_control_characters

from . import list_queries
from .models import Article, EditorialPolicy, Revision
from .reader_queries import table
from .text.readability import plain_text

SEARCH_CONFIG = "english"

_START, _STOP = "\x02", "\x03"  # sentinels: the headline is escaped, then marked
# ts_headline re-parses the text it is given, so its cost grows with the
# span: for a page of 20 hits, about 9 ms at 4 000 characters, 5 ms at
# 1 000 and 2 ms at 500, most of a search's time in the database. The
# title and the summary (a few hundred characters), then the start of the
# body, are where a reader's words usually are; a match further in is still
# found and ranked, with the start of the text as its snippet.
HEADLINE_SPAN = 500


def _public_text(article: Article) -> tuple[str, str, str] | None:
    from .public import shown_revision

    try:
        revision = shown_revision(article, EditorialPolicy.current())
    except Http404:
        return None  # nothing public to index
    # Without control characters: the headline marks matches with two of them.
    return tuple(
        without_control_characters(text)
        for text in (revision.title, plain_text(revision.summary), plain_text(revision.body))
    )


def search_index_update(article: Article) -> None:
    """Refresh what search finds for this article from its public text."""
    article.refresh_from_db(fields=["state", "published_revision", "current_revision"])
    texts = _public_text(article)
    title, summary, body = texts or ("", "", "")
    search_text = "\n".join(part for part in (title, summary, body) if part)
    updates = {"search_text": search_text}
    if connection.vendor == "postgresql":
        updates["search_rank_vector"] = SearchVector(
            Value(title, output_field=TextField()), weight="A", config=SEARCH_CONFIG
        ) + SearchVector(Value(summary, output_field=TextField()), weight="B", config=SEARCH_CONFIG)
        updates["search_vector"] = (
            SearchVector(Value(title, output_field=TextField()), weight="A", config=SEARCH_CONFIG)
            + SearchVector(
                Value(summary, output_field=TextField()), weight="B", config=SEARCH_CONFIG
            )
            + SearchVector(Value(body, output_field=TextField()), weight="C", config=SEARCH_CONFIG)
        )
    Article.objects.filter(pk=article.pk).update(**updates)


def _snippet(text: str, words: list[str]) -> str:
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if lowered.find(word) >= 0]
    start = max(0, min(positions) - 80) if positions else 0
    excerpt = text[start : start + 220]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)
    return ("…" if start else "") + marked + ("…" if start + 220 < len(text) else "")


def _marked(headline: str):
    return mark_safe(escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>"))


class Results:
    """A reader's search over the public articles, best matches first, sliced
    like a queryset: `results[40:61]` runs the search for that window only
    and gives (article, highlighted snippet) pairs. `stage` narrows it to
    approved articles or to work in review ("" for both)."""

    def __init__(self, query: str, stage: str = ""):
        self.query = query.strip()[:200]
        self.stage = stage if stage in STAGES else ""

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        if not self.query or stop <= start:
            return []
        if connection.vendor == "postgresql":
            return _postgres_window(self.query, self.stage, start, stop - start)
        return _simple_window(self.query, self.stage, start, stop)


# What each stage filter keeps (list_queries.visible says the same in SQL).
STAGES = {
    "approved": Q(published_revision__isnull=False),
    "in_review": Q(published_revision__isnull=True),
}


@functools.cache
def _postgres_sql(vendor: str, stage: str) -> str:
    """One round trip per search, written once per process: the public
    articles that match, ranked on title and summary (whose small vectors
    keep ranking fast however many match), one window of them, and for
    those rows only, the list entry and a highlighted headline.
    tests/test_discovery.py checks it against the ORM query it stands for.
    Building that query each time cost more Python than running it."""
    q = connection.ops.quote_name
    return f"""
        WITH found AS (
            SELECT a.{q("id")} AS id, a.{q("approved_at")} AS approved_at,
                   ts_rank(a.{q("search_rank_vector")}, query) AS rank, query
            FROM {table(Article)} a,
                 websearch_to_tsquery(%(config)s::regconfig, %(query)s) query
            WHERE a.{q("search_vector")} @@ query AND {list_queries.visible(stage)}
            ORDER BY rank DESC, a.{q("approved_at")} DESC, a.{q("id")} DESC
            LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT {list_queries.entry_columns()},
               ts_headline(%(config)s::regconfig, substr(a.{q("search_text")}, 1, %(span)s),
                           found.query, %(headline_options)s)
        FROM found
        JOIN {table(Article)} a ON a.{q("id")} = found.id
        LEFT JOIN {table(Revision)} r ON r.{q("id")} = a.{q("published_revision_id")}
        ORDER BY found.rank DESC, found.approved_at DESC, found.id DESC"""


def _postgres_window(query: str, stage: str, offset: int, limit: int) -> list:
    params = {
        **list_queries.visible_params(),
        "config": SEARCH_CONFIG,
        "query": query,
        "limit": limit,
        "offset": offset,
        "span": HEADLINE_SPAN,
        "headline_options": f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15",
    }
    with connection.cursor() as cursor:
        cursor.execute(_postgres_sql(connection.vendor, stage), params)
        rows = cursor.fetchall()
    return [(list_queries.load_entry(row), _marked(row[-1])) for row in rows]


def _simple_window(query: str, stage: str, start: int, stop: int) -> list:
    """Without PostgreSQL (development on SQLite): every word must appear in
    the plain search text, and title matches rank first."""
    from .feeds import public_articles

    words = [w.lower() for w in re.findall(r"\w+", query)][:10]
    if not words:
        return []
    matches = public_articles()
    if stage:
        matches = matches.filter(STAGES[stage])
    in_title = Q()
    for word in words:
        matches = matches.filter(search_text__icontains=word)
        in_title |= Q(title__icontains=word)
    ranked = matches.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "-approved_at", "-pk")
    ids = list(ranked.values_list("pk", flat=True)[start:stop])
    rows = Article.objects.filter(pk__in=ids).values_list(
        "pk", "title", "slug", "state", "published_revision_id",
        "published_revision__title", "published_revision__summary", "search_text",
    )  # fmt: skip
    by_pk = {row[0]: row for row in rows}
    return [
        (list_queries.load_entry(by_pk[pk]), _marked(_snippet(by_pk[pk][-1], words)))
        for pk in ids
        if pk in by_pk
    ]
