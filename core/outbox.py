"""Every email the site sends. Each has a plain-text and an HTML part
rendered from templates/emails/<name>.txt|.html; `queue` sends it once the
transaction that caused it commits, so a rolled-back action never tells
anyone it happened; a message the mail server refuses is kept
(PendingEmail) and sent again by `retry_pending`, so an outage loses none.

What each email says, and to whom, belongs to the app that sends it
(accounts.services, articles.services, reviews.notifications)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from .models import PendingEmail

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """A link for an email: emails are read outside the site."""
    return f"{settings.SITE_URL}{path}"


def queue(template: str, *, to: list[str], subject: str, context: dict) -> None:
    """Send `template` to `to` once the current transaction commits."""
    # robust: a mail server failure is logged, never turned into an error page
    # for an action that has already been committed.
    transaction.on_commit(
        lambda: send(template, to=to, subject=subject, context=context), robust=True
    )


def send(template: str, *, to: list[str], subject: str, context: dict, keep=True) -> bool:
    """Render and send now (see `deliver`); empty addresses are skipped.
    Returns whether it went out (or there was no one to send it to)."""
    recipients = [address for address in to if address]
    if not recipients:
        return True
    context = {**context, "site_url": settings.SITE_URL}
    return deliver(
        to=recipients,
        # Headers are one line: collapse any whitespace a title might carry.
        subject=" ".join(f"[Medical Review] {subject}".split()),
        body=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        keep=keep,
    )


def _message(*, to: list[str], subject: str, body: str, html: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    message.attach_alternative(html, "text/html")
    return message


def deliver(*, to: list[str], subject: str, body: str, html: str, keep: bool = True) -> bool:
    """Send now; if the mail server fails, keep the message for the next run
    (`retry_pending`) instead of losing it (unless the caller retries by
    itself, `keep=False`). Returns whether it went out."""
    try:
        _message(to=to, subject=subject, body=body, html=html).send()
    except Exception as exc:
        logger.exception("Email %r to %s failed; will be retried", subject, to)
        if keep:
            PendingEmail.objects.create(
                to=to, subject=subject, body=body, html=html, last_error=str(exc)[:300]
            )
        return False
    return True


def retry_pending() -> int:
    """Send the emails kept after earlier failures; returns how many went out."""
    sent = 0
    for pending in PendingEmail.objects.all():
        message = _message(
            to=pending.to, subject=pending.subject, body=pending.body, html=pending.html
        )
        try:
            message.send()
        except Exception as exc:
            pending.attempts += 1
            pending.last_error = str(exc)[:300]
            pending.save(update_fields=["attempts", "last_error"])
            continue
        pending.delete()
        sent += 1
    return sent
