"""Periodic article work (core/periodic.py explains `@periodic`)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from core.periodic import periodic

from . import reference_checks, reminders
from .services import articles_open_due_reviews


@periodic(every=timedelta(hours=1))
@task()
def open_due_reviews() -> int:
    """Put published articles whose periodic re-review is due back in the
    editors' queue, each once; returns how many were newly due."""
    return len(articles_open_due_reviews(today=timezone.localdate()))


@periodic(every=timedelta(hours=1))
@task()
def send_revision_reminders() -> int:
    """Remind authors of revised drafts due soon or late, each step once
    per due date (articles/reminders.py); returns how many were sent."""
    return len(reminders.send_revision_reminders(timezone.localdate()))


@periodic(every=timedelta(hours=1))
@task()
def recheck_unsettled_references() -> int:
    """Check again the references that PubMed or Crossref could not be asked
    about at submission (articles/reference_checks.py); returns how many
    checks landed."""
    return sum(
        reference_checks.recheck_revision(revision_id)
        for revision_id in reference_checks.unsettled_revision_ids()
    )
