"""The outbox's periodic retry (core/periodic.py explains `@periodic`; the
`deliver_email` task each queued email gets is in core/outbox.py)."""

from datetime import timedelta

from django_tasks import task

from . import outbox
from .periodic import periodic


@periodic(every=timedelta(minutes=5))
@task()
def retry_emails() -> int:
    """Send the emails whose retry time has come (refused by the mail server
    earlier, or whose deliver_email task never ran); returns how many went out."""
    return outbox.deliver_due()
