from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from accounts.validators import without_control_characters

from . import reader_queries
from .models import Article, EditorialPolicy
from .public import IN_PROGRESS


def public_articles():
    """Every article a visitor may open (the same rule as the article page)."""
    visible = Q(published_revision__isnull=False, state__in=["approved", *IN_PROGRESS])
    if reader_queries.editorial_policy().public_in_review:
        visible |= Q(state__in=IN_PROGRESS, submitted_at__isnull=False)
    return Article.objects.filter(visible)


class NewlyApprovedFeed(Feed):
    feed_type = Atom1Feed
    title = "Medical Review: newly approved articles"
    subtitle = "Answers signed off by our Medical Advisory Board."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return (
            Article.objects.filter(published_revision__isnull=False)
            .select_related("published_revision")
            .order_by("-approved_at")[:30]
        )

    # XML 1.0 cannot carry control characters and Django's feed writer
    # raises on them (a 500 for every reader), so text stored before they
    # were refused loses them here.
    def item_title(self, article):
        return without_control_characters(article.published_revision.title)

    def item_description(self, article):
        return without_control_characters(article.published_revision.summary)

    def item_link(self, article):
        return reverse("articles:public", args=[article.slug])

    def item_pubdate(self, article):
        return article.approved_at

    def item_updateddate(self, article):
        return article.approved_at


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_articles().order_by("pk")

    def location(self, article):
        return reverse("articles:public", args=[article.slug])

    def lastmod(self, article):
        return article.approved_at if article.published_revision_id else article.submitted_at


class PagesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["articles:home", "articles:policy", "reviews:board"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return EditorialPolicy.current().updated_at if name == "articles:policy" else None
