"""The feed of newly approved articles and the sitemap: the public articles
as machines find them (the visibility rule of reader/visibility.py)."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from accounts.validators import without_control_characters
from articles.models import EditorialPolicy

from .models import PublicArticle
from .visibility import policy_for


class NewlyApprovedFeed(Feed):
    feed_type = Atom1Feed
    title = "Medical Review: newly approved articles"
    subtitle = "Answers signed off by our Medical Advisory Board."

    def link(self):
        return reverse("reader:home")

    def items(self):
        # Approved text is public whatever the policy says about work in review.
        return (
            PublicArticle.objects.approved()
            .select_related("published_revision")
            # The state too: django-fsm reads it as each article loads.
            .only(
                "slug",
                "state",
                "approved_at",
                "published_revision__title",
                "published_revision__summary",
            )
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
        return reverse("reader:public", args=[article.slug])

    def item_pubdate(self, article):
        return article.approved_at

    def item_updateddate(self, article):
        return article.approved_at


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def __init__(self, policy: EditorialPolicy):
        self.policy = policy

    def items(self):
        # Approved articles only: a page in review is noindex, so search
        # engines are not pointed at it.
        return (
            PublicArticle.objects.approved()
            # The state too: django-fsm reads it as each article loads.
            .only("slug", "state", "published_revision_id", "approved_at", "submitted_at")
            .order_by("pk")
        )

    def location(self, article):
        return reverse("reader:public", args=[article.slug])

    def lastmod(self, article):
        return article.approved_at


class PagesSitemap(Sitemap):
    changefreq = "monthly"

    def __init__(self, policy: EditorialPolicy):
        self.policy = policy

    def items(self):
        return ["reader:home", "reader:policy", "reader:board"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.policy.updated_at if name == "reader:policy" else None


@require_safe
def sitemap(request):
    policy = policy_for(request)
    sections = {"articles": ArticleSitemap(policy), "pages": PagesSitemap(policy)}
    return sitemap_views.sitemap(request, sections)
