"""Periodic reader-side work (core/periodic.py explains `@periodic`).

The retraction watch lives here rather than in articles/tasks.py because
what it watches is what readers are shown: the published revisions the
visibility rule (reader/visibility.py) lets readers read as approved text."""

import logging
from datetime import timedelta

from django_tasks import task

from articles import services, sources
from core.periodic import periodic

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
