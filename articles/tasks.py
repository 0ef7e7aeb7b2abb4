"""Periodic article work (core/periodic.py explains `@periodic`)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from core.periodic import periodic

from .services import articles_open_due_reviews


@periodic(every=timedelta(hours=1))
@task()
def open_due_reviews() -> int:
    """Put published articles whose periodic re-review is due back in the
    editors' queue, each once; returns how many were newly due."""
    return len(articles_open_due_reviews(today=timezone.localdate()))
