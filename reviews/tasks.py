"""Periodic review work (core/periodic.py explains `@periodic`)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from core.periodic import periodic

from .reminders import send_due_reminders


@periodic(every=timedelta(hours=1))
@task()
def send_review_reminders() -> int:
    """Email reviewers two days before their due date and every three days
    after it, each step once; returns how many reminders were queued."""
    return len(send_due_reminders(timezone.localdate()))
