"""Reader search over public articles.

Each article's public text is kept in its SearchDocument. PostgreSQL: a
weighted tsvector (title A, summary B, body C), GIN-indexed, ranked with
ts_rank on the title and summary and highlighted with ts_headline, in one
query. SQLite (development): every word must appear in the plain search
text; title matches rank first.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.validators import without_control_characters
from articles.models import Article, EditorialPolicy
from articles.signals import article_transitioned
from articles.text.readability import plain_text

from . import snippets
from .models import PublicArticle, SearchDocument
from .visibility import shown_revision

SEARCH_CONFIG = "english"

_START, _STOP = "\x02", "\x03"  # sentinels: the headline is escaped, then marked
# ts_headline re-parses the text it is given, so its cost grows with the
# span: for a page of 20 hits, about 9 ms at 4 000 characters, 5 ms at
# 1 000 and 2 ms at 500, most of a search's time in the database. The
# title and the summary (a few hundred characters), then the start of the
# body, are where a reader's words usually are; a match further in is still
# found and ranked, with the start of the text as its snippet.
HEADLINE_SPAN = 500

# The search form's stage choices and the visibility rule's stage each
# keeps: readers find approved articles unless they ask for more.
SEARCH_STAGES = {"approved": "approved", "any": "", "in_review": "in_review"}


def _public_text(article: Article) -> tuple[str, str, str] | None:
    try:
        revision = shown_revision(article, EditorialPolicy.current())
    except Http404:
        return None  # nothing public to index
    # Without control characters: the headline marks matches with two of them.
    return tuple(
        without_control_characters(text)
        for text in (revision.title, plain_text(revision.summary), plain_text(revision.body))
    )


def _vector(*weighted: tuple[str, str]) -> SearchVector:
    vectors = [
        SearchVector(Value(text, output_field=TextField()), weight=weight, config=SEARCH_CONFIG)
        for text, weight in weighted
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_index_update(article: Article) -> None:
    """Refresh what search finds for this article from its public text."""
    article.refresh_from_db(
        fields=["state", "submitted_at", "published_revision", "current_revision"]
    )
    texts = _public_text(article)
    if texts is None:
        SearchDocument.objects.filter(article=article).delete()
        return
    title, summary, body = texts
    # The snippet's text: the summary and body, tidied where citations were
    # dropped. Not the title, which the result shows already above it.
    fields = {"text": snippets.tidy("\n".join(part for part in (summary, body) if part))}
    if connection.vendor == "postgresql":
        fields["rank_vector"] = _vector((title, "A"), (summary, "B"))
        fields["vector"] = _vector((title, "A"), (summary, "B"), (body, "C"))
    SearchDocument.objects.update_or_create(article=article, defaults=fields)


def _reindex(sender, *, article, **kwargs) -> None:
    # Inside the transition's transaction: the index changes with the state.
    search_index_update(article)


def connect_receivers() -> None:
    article_transitioned.connect(_reindex, dispatch_uid="reader.search-index")


def _snippet(text: str, words: list[str]) -> str:
    text = snippets.tidy(text)
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if lowered.find(word) >= 0]
    _, excerpt = snippets.around(text, min(positions) if positions else 0)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)


def _marked(headline: str):
    # Tidied again: an index written before citations were tidied away.
    return mark_safe(
        escape(snippets.tidy(headline)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


class Results:
    """A reader's search over the articles public under `policy`, best
    matches first, sliced like a queryset: `results[40:61]` runs the search
    for that window only and gives (entry, highlighted snippet) pairs, each
    entry a dictionary as `PublicArticle.objects.listed()` gives it.
    `stage` as the reader chose it: "approved" (also the default, and
    what anything unknown means), "in_review" or "any" for both."""

    def __init__(self, query: str, stage: str, policy: EditorialPolicy):
        self.query = query.strip()[:200]
        self.stage_asked = stage if stage in SEARCH_STAGES else "approved"
        self.stage = SEARCH_STAGES[self.stage_asked]
        self.policy = policy

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        if not self.query or stop <= start:
            return []
        public = PublicArticle.objects.public(self.policy, self.stage).listed()
        if connection.vendor == "postgresql":
            return _postgres_window(public, self.query, start, stop)
        return _simple_window(public, self.query, start, stop)


def ranked_matches(public, query: str):
    """The public articles matching a reader's words, best first, each with
    its rank and a highlighted headline (PostgreSQL). PostgreSQL works out
    the headline, the costly part, only for the rows in the window asked for."""
    words = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    headline = SearchHeadline(
        Substr("search_document__text", 1, HEADLINE_SPAN),
        words,
        config=SEARCH_CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=35,
        min_words=15,
    )
    return (
        public.filter(search_document__vector=words)
        # Title and summary only: their small vectors keep ranking fast
        # however many articles match.
        .annotate(rank=SearchRank(F("search_document__rank_vector"), words), headline=headline)
        .order_by("-rank", "-approved_at", "-pk")
    )


def _postgres_window(public, query: str, start: int, stop: int) -> list:
    window = ranked_matches(public, query)[start:stop]
    return [
        (article, _marked(snippets.mark_cuts(article["headline"], _START + _STOP)))
        for article in window
    ]


def _simple_window(public, query: str, start: int, stop: int) -> list:
    """Without PostgreSQL (development on SQLite): every word must appear in
    the plain search text, and title matches rank first."""
    words = [w.lower() for w in re.findall(r"\w+", query)][:10]
    if not words:
        return []
    matches = public.filter(search_document__isnull=False).annotate(
        search_text=F("search_document__text")
    )
    in_title = Q()
    for word in words:
        # The title is not in the snippet's text: it is searched apart.
        matches = matches.filter(Q(search_text__icontains=word) | Q(title__icontains=word))
        in_title |= Q(title__icontains=word)
    ranked = matches.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "-approved_at", "-pk")
    return [
        (article, _marked(_snippet(article["search_text"], words)))
        for article in ranked[start:stop]
    ]
