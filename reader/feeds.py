"""The feed of newly approved articles and of notices, and the sitemap: the
public articles as machines find them (the visibility rule of
reader/visibility.py). A retracted article leaves the sitemap (its page is
noindex) and the feed's approvals; the feed announces its retraction."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from accounts.validators import without_control_characters
from articles.models import ArticleNotice, EditorialPolicy, NoticeKind

from . import shared_cache
from .models import PublicArticle
from .visibility import policy_for

FEED_LENGTH = 30
NOTICE_ANCHORS = {NoticeKind.RETRACTION: "retraction-heading"}


class NewlyApprovedFeed(Feed):
    """Newly approved articles, and the corrections, updates and retractions
    published on approved articles, newest first."""

    feed_type = Atom1Feed
    title = "Medical Review: newly approved articles"
    subtitle = (
        "Answers signed off by our Medical Advisory Board, and the corrections, "
        "updates and retractions our editors publish on them."
    )

    def link(self):
        return reverse("reader:home")

    def items(self):
        # Approved text is public whatever the policy says about work in review.
        approved = (
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
            .order_by("-approved_at")[:FEED_LENGTH]
        )
        notices = (
            ArticleNotice.objects.filter(
                article__in=PublicArticle.objects.with_published_page().values("pk")
            )
            .select_related("article", "revision")
            .only(
                "kind", "reason", "created_at", "article__slug", "article__state", "revision__title"
            )
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
        entries = [*approved, *notices]
        entries.sort(key=_published_at, reverse=True)
        return entries[:FEED_LENGTH]

    # XML 1.0 cannot carry control characters and Django's feed writer
    # raises on them (a 500 for every reader), so text stored before they
    # were refused loses them here.
    def item_title(self, item):
        if isinstance(item, ArticleNotice):
            title = f"{item.get_kind_display()}: {item.revision.title}"
        else:
            title = item.published_revision.title
        return without_control_characters(title)

    def item_description(self, item):
        if isinstance(item, ArticleNotice):
            return without_control_characters(item.reason)
        return without_control_characters(item.published_revision.summary)

    def item_link(self, item):
        if isinstance(item, ArticleNotice):
            anchor = NOTICE_ANCHORS.get(item.kind, f"notice-{item.pk}")
            return reverse("reader:public", args=[item.article.slug]) + f"#{anchor}"
        return reverse("reader:public", args=[item.slug])

    def item_pubdate(self, item):
        return _published_at(item)

    def item_updateddate(self, item):
        return _published_at(item)


def _published_at(item):
    return item.created_at if isinstance(item, ArticleNotice) else item.approved_at


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
@shared_cache.shareable
def sitemap(request):
    policy = policy_for(request)
    sections = {"articles": ArticleSitemap(policy), "pages": PagesSitemap(policy)}
    return sitemap_views.sitemap(request, sections)
