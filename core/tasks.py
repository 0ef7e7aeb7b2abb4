"""The outbox's periodic retry (core/periodic.py explains `@periodic`; the
`deliver_email` task each queued email gets is in core/outbox.py)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import outbox
from .periodic import periodic


@periodic(every=timedelta(minutes=5))
@task()
def retry_emails() -> int:
    """Send the emails whose retry time has come (refused by the mail server
    earlier, or whose deliver_email task never ran); returns how many went out."""
    return outbox.deliver_due()


@periodic(every=timedelta(days=1))
@task()
def prune_task_results() -> int:
    """Remove the database backend's records of tasks that finished a week
    ago (failed ones after a month, to leave time to look at them)."""
    now = timezone.now()
    finished = DBTaskResult.objects.finished()
    old = finished.filter(status="SUCCESSFUL", finished_at__lt=now - timedelta(days=7)) | (
        finished.filter(status="FAILED", finished_at__lt=now - timedelta(days=30))
    )
    return old.delete()[0]
