"""Reader search over public articles.

PostgreSQL: a weighted tsvector per article (title A, summary B, body C),
GIN-indexed, ranked with ts_rank and highlighted with ts_headline. SQLite:
every word must appear in the plain search text; title matches rank first.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, EditorialPolicy
from .readability import plain_text

_START, _STOP = "\x02", "\x03"  # sentinels: the headline is escaped, then marked
# ts_headline re-parses the text it is given, so its cost grows with the
# span (9 ms for a page of 20 hits at 4 000 characters). The title, the
# summary (a few hundred characters) and the start of the body are where a
# reader's words usually are.
HEADLINE_SPAN = 1000


def _public_text(article: Article) -> tuple[str, str, str] | None:
    from .public import shown_revision

    try:
        revision = shown_revision(article, EditorialPolicy.current())
    except Http404:
        return None  # nothing public to index
    return revision.title, plain_text(revision.summary), plain_text(revision.body)


def search_index_update(article: Article) -> None:
    """Refresh what search finds for this article from its public text."""
    article.refresh_from_db(fields=["state", "published_revision", "current_revision"])
    texts = _public_text(article)
    title, summary, body = texts or ("", "", "")
    search_text = "\n".join(part for part in (title, summary, body) if part)
    updates = {"search_text": search_text}
    if connection.vendor == "postgresql":
        updates["search_rank_vector"] = SearchVector(
            Value(title, output_field=TextField()), weight="A", config="english"
        ) + SearchVector(Value(summary, output_field=TextField()), weight="B", config="english")
        updates["search_vector"] = (
            SearchVector(Value(title, output_field=TextField()), weight="A", config="english")
            + SearchVector(Value(summary, output_field=TextField()), weight="B", config="english")
            + SearchVector(Value(body, output_field=TextField()), weight="C", config="english")
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


def search_articles(base, query: str):
    """(articles, words) for a reader's query over `base` (public articles),
    best matches first; `words` is None on PostgreSQL, where ranking and
    highlighting use the text search configuration instead. Callers take a
    page of ids from it and load that page with search_hits: joining the
    revision for every match before sorting cost more than the search."""
    query = query.strip()[:200]
    if not query:
        return base.none(), {}
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, search_type="websearch", config="english")
        results = (
            base.filter(search_vector=ts_query)
            # Match on the whole text; rank on title and summary, whose small
            # vectors keep ranking fast however many articles match.
            # F(): a bare field name would be re-parsed as text by SearchRank.
            .annotate(rank=SearchRank(F("search_rank_vector"), ts_query))
            .order_by("-rank", "-approved_at", "-pk")  # pk: pages never overlap
        )
        return results, None
    words = [w.lower() for w in re.findall(r"\w+", query)][:10]
    if not words:
        return base.none(), {}
    matches = base
    for word in words:
        matches = matches.filter(search_text__icontains=word)
    in_title = Q()
    for word in words:
        in_title |= Q(title__icontains=word)
    results = matches.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "-approved_at", "-pk")
    return results, words


def search_hits(listing, ids: list, query: str, words) -> list:
    """(article, highlighted snippet) for one page of results, in the order of
    `ids`. `listing` is the queryset the list is drawn from; on PostgreSQL
    the snippets come with it in the same query, and ts_headline runs only
    for these rows and only over the start of each text."""
    if not ids:
        return []
    rows = listing.filter(pk__in=ids)
    if words is None:
        ts_query = SearchQuery(query.strip()[:200], search_type="websearch", config="english")
        rows = rows.annotate(
            headline=SearchHeadline(
                Substr("search_text", 1, HEADLINE_SPAN),
                ts_query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
            )
        )
        by_pk = {article.pk: article for article in rows}
        return [(by_pk[pk], _marked(by_pk[pk].headline)) for pk in ids if pk in by_pk]
    by_pk = {article.pk: article for article in rows}
    texts = dict(Article.objects.filter(pk__in=ids).values_list("pk", "search_text"))
    return [(by_pk[pk], _marked(_snippet(texts.get(pk, ""), words))) for pk in ids if pk in by_pk]
