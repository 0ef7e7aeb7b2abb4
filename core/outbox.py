"""Every email the site sends. Each has a plain-text and an HTML part
rendered from templates/emails/<name>.txt|.html.

`queue` writes the email to the outbox table (PendingEmail) inside the
caller's transaction, and enqueues the `deliver_email` task once that
transaction commits: a rolled-back action never tells anyone it happened,
and the task (on whichever backend TASKS_BACKEND names) finds the row it
was given. The task claims the row with one conditional UPDATE before
sending, so running it twice, or on two workers, sends once. A message the
mail server refuses stays in the table with its error and a later retry
time; the periodic `retry_emails` task (core/tasks.py) sends it then, so an
outage loses nothing. Sent emails are deleted: their bodies carry sign-up
and invitation links, which should not outlive their delivery, and the
audit trail already records the actions that caused them.

What each email says, and to whom, belongs to the app that sends it
(accounts.services, articles.services, reviews.notifications)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .background import enqueue_on_commit
from .models import PendingEmail

logger = logging.getLogger(__name__)

# How long a worker may take to send one email before another may try it
# (EMAIL_TIMEOUT bounds a silent server well below this).
LEASE = timedelta(minutes=10)
# The retry sweep leaves a fresh email to its own deliver_email task this long.
FIRST_SWEEP_AFTER = timedelta(minutes=2)
# After the n-th failure the next try waits 2**(n-1) minutes, at most an hour.
MAX_BACKOFF = timedelta(hours=1)


def absolute(path: str) -> str:
    """A link for an email: emails are read outside the site."""
    return f"{settings.SITE_URL}{path}"


def queue(template: str, *, to: list[str], subject: str, context: dict) -> None:
    """Send `template` to `to` once the current transaction commits.

    The email is rendered and stored now, in the caller's transaction; the
    `deliver_email` task is enqueued on commit. Empty addresses are skipped."""
    email = _store(template, to=to, subject=subject, context=context)
    if email is not None:
        # Should the queue be unreachable then, the periodic retry sends it.
        enqueue_on_commit(deliver_email, email.pk)


def _store(template: str, *, to: list[str], subject: str, context: dict) -> PendingEmail | None:
    recipients = [address for address in to if address]
    if not recipients:
        return None
    context = {**context, "site_url": settings.SITE_URL}
    return PendingEmail.objects.create(
        to=recipients,
        # Headers are one line: collapse any whitespace a title might carry.
        subject=" ".join(f"[Medical Review] {subject}".split()),
        body=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER,
    )


def send(template: str, *, to: list[str], subject: str, context: dict) -> bool:
    """Render and send now, outside any task (through the outbox all the
    same, so a refused email is kept and retried). Returns whether it went out."""
    email = _store(template, to=to, subject=subject, context=context)
    return email is None or deliver(email.pk)


def _claim(pk: int, now) -> bool:
    """Take the sending lease on one unsent email; False when it is gone
    (sent) or another worker holds it."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return PendingEmail.objects.filter(free, pk=pk).update(claimed_until=now + LEASE) == 1


def deliver(pk: int) -> bool:
    """Send one stored email if nobody else is sending it or has sent it.
    Returns whether it went out now."""
    now = timezone.now()
    if not _claim(pk, now):
        return False
    email = PendingEmail.objects.get(pk=pk)
    message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=email.to)
    message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as exc:
        attempts = email.attempts + 1
        backoff = min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)
        logger.exception(
            "Email %r to %s failed (attempt %d); next try in %s",
            email.subject, email.to, attempts, backoff,
        )  # fmt: skip
        PendingEmail.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=str(exc)[:300],
            next_attempt_at=timezone.now() + backoff,
            claimed_until=None,
        )
        return False
    PendingEmail.objects.filter(pk=pk).delete()
    return True


def deliver_due() -> int:
    """Try every stored email whose retry time has come; returns how many went out."""
    due = PendingEmail.objects.filter(next_attempt_at__lte=timezone.now())
    return sum(deliver(pk) for pk in due.values_list("pk", flat=True))


@task()
def deliver_email(pk: int) -> bool:
    """The task `queue` enqueues after commit: send the stored email `pk`."""
    return deliver(pk)
