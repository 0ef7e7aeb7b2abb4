from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models import Article

from .visibility import PublicArticleQuerySet


class PublicArticle(Article):
    """Articles as readers reach them: `PublicArticle.objects.public(policy)`
    is the visibility rule as a query (reader/visibility.py)."""

    objects = PublicArticleQuerySet.as_manager()

    class Meta:
        proxy = True


class SearchDocument(models.Model):
    """What reader search finds for one article: the public revision's
    title, summary and body as plain text, refreshed whenever the public
    text changes (reader/search.py). Kept off the article's row so that
    ordinary reads of articles do not carry it."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    text = models.TextField(blank=True)
    # PostgreSQL only: the same text as a tsvector, GIN-indexed by migration.
    vector = SearchVectorField(null=True)
    # Title and summary only: small, so ranking thousands of matches stays cheap.
    rank_vector = SearchVectorField(null=True)

    def __str__(self) -> str:
        return f"Search document of article {self.article_id}"
