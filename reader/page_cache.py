"""Whole-page cache for anonymous readers of an article and of the home page.

The page carries no per-reader token (the question form has its own page),
so it is stored and served as rendered: the same bytes a shared HTTP cache
in front keeps (reader/shared_cache.py). Each kept page
remembers the version counters it was made under, which change whenever
something the page shows can change: the article (any workflow action,
re-review flag, notice), the site (policy, people's public names) and the
glossary; the home page's are the site and a list version that every
article change also moves. Reading the counters and the page together
costs one cache round trip and no database query; a page made under other
versions is rendered again. Pages are kept ten minutes at most, which also bounds
how long text altered behind the application's back can be served before the
page re-checks the signatures.

Which changes bump which version is decided here alone (connect_receivers),
for the whole pages and for the rendered text (reader/public_text.py) alike.
The versions must be shared by every worker: the deploy check below refuses
a per-process cache in production.

The same receivers decide which public addresses the shared HTTP cache in
front of the site must forget (reader/frontend_cache.py): the pages of each
article a change touches and the lists that show it, or every page for a
change that shows everywhere. One transaction's addresses go in one purge
task, enqueued once it commits.
"""

import threading
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse

from accounts.models import AudienceLevel, User
from articles.models import Article, EditorialPolicy, GlossaryTerm
from articles.signals import (
    article_transitioned,
    notice_issued,
    rereview_opened,
    source_alert_changed,
)
from reviews.models import ReviewAssignment, ReviewRound

from . import frontend_cache
from .audience import AUDIENCE_COOKIE, LEVELS
from .tasks import purge_shared_cache

SITE_VERSION_KEY = "site-version"
LIST_VERSION_KEY = "list-version"
GLOSSARY_VERSION_KEY = "glossary-version"
# Part of every cache key: bump it when the rendering or sanitising code
# changes, so a deploy never serves HTML made by the old code.
RENDER_VERSION = "7"  # 7: no form token in the article page; a level per address
PAGE_TTL = 600


def _article_key(slug: str) -> str:
    return f"article-version:{slug}"


def _bump(key: str) -> None:
    # After commit: bumping earlier would let another process re-cache the
    # old state under the new version before the change is visible to it.
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


class _PurgeBatch:
    """The addresses one transaction made stale: the on-commit callback that
    enqueues a single purge task for all of them."""

    def __init__(self):
        self.paths: set[str] = set()
        self.everything = False
        self.sent = False

    def __call__(self) -> None:
        if self.sent:
            return
        self.sent = True
        paths = [] if self.everything else sorted(self.paths)
        purge_shared_cache.enqueue(paths, self.everything)


_open_batch = threading.local()  # connections, and so transactions, are per thread


def _purge(paths=(), *, everything: bool = False) -> None:
    if not frontend_cache.purging():
        return
    batch = getattr(_open_batch, "batch", None)
    # A batch is joined only while it waits for this transaction's commit: a
    # rollback drops its callback (with the savepoint that registered it),
    # and a batch already sent is done.
    if (
        batch is None
        or batch.sent
        or not any(func is batch for _, func, _ in connection.run_on_commit)
    ):
        batch = _open_batch.batch = _PurgeBatch()
    batch.paths.update(paths)
    batch.everything |= everything
    # Registered again by each change, so that rolling back the savepoint of
    # a later change keeps the batch due; it runs (and enqueues) once. The
    # pages of a change undone by a savepoint rollback stay in the batch:
    # purging a page that did not change only costs the cache one fetch.
    # robust, as core.background.enqueue_on_commit: a queue that cannot be
    # reached is logged, never an error page after the change committed.
    # (That helper fixes the task's arguments now; the batch may still grow.)
    transaction.on_commit(batch, robust=True)


# What lists an article: the home page, the feed, the sitemap, and the board
# page (the articles each member signed, which approval, retraction and
# withdrawn signatures change).
LIST_PAGES = ("reader:home", "reader:feed", "sitemap", "reader:board")


def article_pages(slug: str) -> list[str]:
    """The shareable addresses of one article's own pages."""
    return [
        reverse("reader:public", args=[slug]),
        *(reverse("reader:level", args=[slug, level]) for level in AudienceLevel.values),
        reverse("reader:history", args=[slug]),
    ]


def article_changed(slug: str) -> None:
    _bump(_article_key(slug))
    _bump(LIST_VERSION_KEY)  # its title, stage or place in the lists may have moved
    _purge([*article_pages(slug), *(reverse(name) for name in LIST_PAGES)])


def site_changed(**kwargs) -> None:
    _bump(SITE_VERSION_KEY)
    # The policy shows on every page (its citation style, what the caution on
    # work in review says, which unapproved articles are public at all).
    _purge(everything=True)


def glossary_changed(**kwargs) -> None:
    _bump(GLOSSARY_VERSION_KEY)
    # No purge: every text readers see is a submitted revision, which explains
    # its terms from the glossary pinned at submission (Revision.freeze), and
    # no public page shows the live glossary. The version bump above only
    # renews the locally cached renderings.


def glossary_version() -> str:
    """Part of every rendered text's key: a glossary edit orphans them all."""
    return _stamp([GLOSSARY_VERSION_KEY])


# What cached pages show of a person: their name (str(user) falls back from
# the display name to the full name to the username) and their public profile.
# Role changes bump nothing: no page cached here depends on who holds a
# role; the shared cache's board page does (_board_changed).
PUBLIC_PROFILE_FIELDS = frozenset(
    {
        "username",
        "first_name",
        "last_name",
        "display_name",
        "credentials",
        "specialty",
        "bio",
        "disclosure",
    }
)


def person_saved(sender, *, instance, created=False, update_fields=None, **kwargs) -> None:
    # Signing in or choosing a reading level saves only private fields; that
    # must not empty every cached page. A save without update_fields may have
    # changed anything.
    if update_fields is not None and not PUBLIC_PROFILE_FIELDS & set(update_fields):
        return
    _bump(SITE_VERSION_KEY)
    if not created:  # a new account is on no public page yet
        _purge(_pages_naming(instance))


def _pages_naming(person: User) -> list[str]:
    """Where the shared cache may hold a person's name, credentials or
    disclosure: the board page, and the page and history of every article
    they wrote or signed a version of. Not every page: any save of an
    account that cannot say what changed (a password change too) lands here,
    and emptying a CDN that often would undo its purpose."""
    slugs = (
        Article.objects.filter(Q(authors=person) | Q(revisions__signoffs__signer=person))
        .values_list("slug", flat=True)
        .distinct()
    )
    return [reverse("reader:board"), *(path for slug in slugs for path in article_pages(slug))]


def _board_changed(sender, *, action, **kwargs) -> None:
    # Roles only show on the board page's list of members.
    if action.startswith("post_"):
        _purge([reverse("reader:board")])


def _article_moved(sender, *, article, **kwargs) -> None:
    article_changed(article.slug)


def _review_moved(sender, *, instance, **kwargs) -> None:
    # An unapproved page says how far review has gone ("Sent to two clinical
    # reviewers ...; one review has come back") and every page how many
    # clinicians reviewed its text: invitations, answers, reviews and rounds
    # change that without any workflow transition.
    if isinstance(instance, ReviewRound):
        articles = Article.objects.filter(pk=instance.article_id)
    else:
        articles = Article.objects.filter(review_rounds=instance.round_id)
    if slug := articles.values_list("slug", flat=True).first():
        article_changed(slug)


def _authors_changed(sender, *, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Article):
        article_changed(instance.slug)


def connect_receivers() -> None:
    """Every change that makes a cached page or rendering stale, in one place."""
    # Any glossary edit must show on the next page view: bump the version
    # that every cached rendering's key includes.
    post_save.connect(glossary_changed, sender=GlossaryTerm, dispatch_uid="glossary-saved")
    post_delete.connect(glossary_changed, sender=GlossaryTerm, dispatch_uid="glossary-gone")
    article_transitioned.connect(_article_moved, dispatch_uid="reader.page-cache")
    # The page may now say "review overdue".
    rereview_opened.connect(_article_moved, dispatch_uid="reader.page-cache-rereview")
    # A correction, update or retraction shows at the top of the page at once.
    notice_issued.connect(_article_moved, dispatch_uid="reader.page-cache-notice")
    # A cited study found retracted, corrected or questioned (or the alert
    # cleared): its reference's mark, and perhaps the next review date.
    source_alert_changed.connect(_article_moved, dispatch_uid="reader.page-cache-source-alert")
    # Public pages show the policy's settings and people's names.
    post_save.connect(site_changed, sender=EditorialPolicy, dispatch_uid="page-policy")
    post_save.connect(person_saved, sender=User, dispatch_uid="page-people")
    m2m_changed.connect(_board_changed, sender=User.groups.through, dispatch_uid="page-roles")
    # The byline and what the page says about review.
    post_save.connect(_review_moved, sender=ReviewAssignment, dispatch_uid="page-assignment")
    post_save.connect(_review_moved, sender=ReviewRound, dispatch_uid="page-round")
    m2m_changed.connect(
        _authors_changed, sender=Article.authors.through, dispatch_uid="page-authors"
    )


_LOCMEM = f"{LocMemCache.__module__}.{LocMemCache.__qualname__}"


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # Each gunicorn worker would keep its own version counters, so a worker
    # that did not see a change could serve a stale page for PAGE_TTL.
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or not settings.PAGE_CACHE or backend != _LOCMEM:
        return []
    return [
        checks.Error(
            "The page cache is on but the default cache is per-process local memory.",
            hint="Set REDIS_URL so every worker shares one cache, or set PAGE_CACHE=false.",
            id="reader.E001",
        )
    ]


def enabled(request) -> bool:
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.COOKIES.get("messages")
    )


def _stamp(keys: list[str], found: dict | None = None) -> str:
    """The current versions of `keys` in one string (`found`: what a lookup
    already read of them); a version never set yet is set now."""
    versions = dict(found) if found is not None else cache.get_many(keys)
    for key in keys:
        if key not in versions:
            cache.add(key, uuid.uuid4().hex, None)
            versions[key] = cache.get(key)
    return ":".join(str(versions[key]) for key in keys)


class Lookup(NamedTuple):
    """Where a page is kept, the versions it must have been made under, and
    the kept page if it was (else None: render it and `store` it)."""

    slot: str
    stamp: str
    page: dict | None


def _lookup(slot: str, version_keys: list[str]) -> Lookup:
    # The versions and the page in one round trip: the page remembers the
    # versions it was made under, and one made under others is not used.
    found = cache.get_many([*version_keys, slot])
    stamp = _stamp(version_keys, found)
    page = found.get(slot)
    return Lookup(slot, stamp, page if page is not None and page["stamp"] == stamp else None)


def home_page() -> Lookup:
    return _lookup(f"list:{RENDER_VERSION}:home", [SITE_VERSION_KEY, LIST_VERSION_KEY])


def article_page(request, slug: str, level: str | None) -> Lookup:
    """An article page: at `level`'s own address, or at the bare address for
    the level the reader's cookie remembers (if any)."""
    if level is None:
        cookie = request.COOKIES.get(AUDIENCE_COOKIE)
        shown = cookie if cookie in LEVELS else "default"
    else:
        shown = f"{level}:address"
    return _lookup(
        f"page:{RENDER_VERSION}:{slug}:{shown}",
        [SITE_VERSION_KEY, GLOSSARY_VERSION_KEY, _article_key(slug)],
    )


def store(found: Lookup, response) -> None:
    cache.set(
        found.slot,
        {
            "stamp": found.stamp,
            "html": response.content.decode(),
            "etag": response.get("ETag"),
            "last_modified": response.get("Last-Modified"),
        },
        PAGE_TTL,
    )
