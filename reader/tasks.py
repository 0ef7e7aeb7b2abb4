"""Periodic reader-side work (core/periodic.py explains `@periodic`).

The retraction watch lives here rather than in articles/tasks.py because
what it watches is what readers are shown: the published revisions the
visibility rule (reader/visibility.py) lets readers read as approved text."""

import logging
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from articles import services, sources
from core.periodic import periodic

from .frontend_cache import PurgeFailed, frontend_cache
from .models import PublicArticle

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def watch_cited_studies() -> int:
    """Look up again every PMID and DOI that readers' approved texts cite and
    flag retractions, corrections and expressions of concern not seen
    before (articles.services.source_alerts_check); returns how many alerts
    were raised. Safe to run twice: a second run raises nothing new."""
    if not sources.lookups_enabled():
        logger.info("Retraction watch skipped: reference lookups are switched off.")
        return 0
    report = services.source_alerts_check(articles=PublicArticle.objects.approved())
    logger.info(
        "Retraction watch: %d identifiers asked, %d alerts raised, %d not reachable (%s).",
        report.asked,
        len(report.raised),
        len(report.unavailable),
        ", ".join(report.unavailable) or "none",
    )
    return len(report.raised)


# The pause before the second attempt; each later one waits twice as long
# (30 s, 1, 2, 4 minutes with the default five attempts), so a Varnish
# restart or a CDN hiccup is ridden out without hammering it.
FIRST_PURGE_RETRY_AFTER = timedelta(seconds=30)


@task()
def purge_shared_cache(paths: list[str], everything: bool = False, attempt: int = 1) -> bool:
    """Ask the shared HTTP cache (reader/frontend_cache.py) to forget `paths`,
    or every page when `everything`; enqueued after the change commits
    (reader/page_cache.py). Returns whether the cache confirmed it. A
    failure never reaches the editor: it is logged and tried again later,
    up to FRONTEND_CACHE_RETRIES attempts in all."""
    cache = frontend_cache()
    what = "every page" if everything else ", ".join(paths)
    try:
        if everything:
            cache.purge_all()
        else:
            cache.purge(paths)
    except (PurgeFailed, httpx.HTTPError) as exc:
        return _purge_failed(cache.name, what, exc, paths, everything, attempt)
    logger.info("Shared cache (%s) purged: %s.", cache.name, what)
    return True


def _purge_failed(backend, what, exc, paths, everything, attempt) -> bool:
    limit = settings.FRONTEND_CACHE_RETRIES
    if attempt >= limit:
        logger.error(
            "Shared cache (%s) purge of %s failed %d times, giving up; those pages may be "
            "stale until they expire: %s",
            backend, what, attempt, exc,
        )  # fmt: skip
        return False
    if not purge_shared_cache.get_backend().supports_defer:
        # A task runner that runs tasks at once (the immediate backend) runs
        # this inside the editor's request: retrying here would keep them
        # waiting, and retrying without a pause would only fail again.
        logger.error(
            "Shared cache (%s) purge of %s failed and this task runner cannot retry later; "
            "those pages may be stale until they expire: %s",
            backend, what, exc,
        )  # fmt: skip
        return False
    pause = FIRST_PURGE_RETRY_AFTER * 2 ** (attempt - 1)
    logger.warning(
        "Shared cache (%s) purge of %s failed (attempt %d of %d), next try in %s: %s",
        backend, what, attempt, limit, pause, exc,
    )  # fmt: skip
    purge_shared_cache.using(run_after=timezone.now() + pause).enqueue(
        paths, everything, attempt + 1
    )
    return False
