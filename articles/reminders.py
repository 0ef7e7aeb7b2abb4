"""Reminding authors of their revised draft's due date: a few days before
it, then at intervals while it is late; each step once per due date, so a
date the editor moves starts its own schedule."""

from datetime import date

from django.db import IntegrityError, transaction

from accounts.notifications import notify
from core.reminders import reminder_step

from .models import Article, ArticleState, RevisionReminderSent

DAYS_BEFORE = 3
EVERY_DAYS_AFTER = 7


def revision_reminder_step(due_date: date, today: date) -> str | None:
    """ "due-soon" within three days before the due date; "overdue-N" on the
    7th, 14th, 21st... day after it; None otherwise."""
    return reminder_step(
        due_date, today, days_before=DAYS_BEFORE, every_days_after=EVERY_DAYS_AFTER
    )


def _wording(article: Article, step: str) -> tuple[str, str]:
    due = f"{article.revision_due_date:%-d %b %Y}"
    if step == "due-soon":
        return (
            f"Your revision of “{article}” is due {due}",
            f"The editor asked for changes; your revised draft is due {due}. "
            f"If you need more time, tell the editor.",
        )
    return (
        f"Your revision of “{article}” is overdue",
        f"Your revised draft was due {due}. Please resubmit, or tell the editor "
        f"when you expect to.",
    )


def send_revision_reminders(today: date) -> list[tuple[Article, str]]:
    """Remind the authors of every article whose revised draft is due soon
    or late, once per step and due date. The (article, due date, step) row
    and the notices are written in one transaction, so two runs at once
    cannot both send one, and the emails go after commit (core.outbox keeps
    what the mail server refuses and retries it)."""
    sent = []
    articles = Article.objects.filter(
        state=ArticleState.CHANGES_REQUESTED, revision_due_date__isnull=False
    ).prefetch_related("authors")
    for article in articles:
        step = revision_reminder_step(article.revision_due_date, today)
        if step is None:
            continue
        try:
            with transaction.atomic():
                RevisionReminderSent.objects.create(
                    article=article, due_date=article.revision_due_date, step=step
                )
                subject, body = _wording(article, step)
                notify(
                    article.authors.all(),
                    kind="revision_reminder",
                    subject=subject,
                    body=body,
                    link=article.get_absolute_url(),
                )
        except IntegrityError:
            continue  # already sent for this step of this due date
        sent.append((article, step))
    return sent
