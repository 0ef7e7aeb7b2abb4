"""Emails about review work. Each is queued with transaction.on_commit, so a
rolled-back action never tells anyone it happened; each has a plain-text and
an HTML part rendered from templates/emails/<name>.txt|.html, and a link to
the page where the recipient acts."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import PendingEmail

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(template: str, *, to: list[str], subject: str, context: dict, keep=True) -> bool:
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


def deliver(*, to: list[str], subject: str, body: str, html: str, keep: bool = True) -> bool:
    """Send now; if the mail server fails, keep the message for the next run
    (`retry_pending`) instead of losing it (unless the caller retries by
    itself, `keep=False`). Returns whether it went out."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
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
        message = EmailMultiAlternatives(subject=pending.subject, body=pending.body, to=pending.to)
        message.attach_alternative(pending.html, "text/html")
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


def queue(template: str, *, to: list[str], subject: str, context: dict) -> None:
    # robust: a mail server failure is logged, never turned into an error page
    # for an action that has already been committed.
    transaction.on_commit(
        lambda: _send(template, to=to, subject=subject, context=context), robust=True
    )


def invitation(assignment) -> None:
    queue(
        "review_invitation",
        to=[assignment.reviewer.email],
        subject=f"Invitation to review “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "link": absolute(reverse("reviews:assignment", args=[assignment.pk])),
        },
    )


def response(assignment) -> None:
    """Accept or decline, to the editor who invited."""
    verb = "accepted" if assignment.status == assignment.Status.ACCEPTED else "declined"
    queue(
        "review_response",
        to=[assignment.invited_by.email],
        subject=f"{assignment.reviewer} {verb} to review “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "verb": verb,
            "link": absolute(reverse("reviews:invite", args=[assignment.round.article_id])),
        },
    )


def review_submitted(review) -> None:
    assignment = review.assignment
    queue(
        "review_submitted",
        to=[assignment.invited_by.email],
        subject=f"Review submitted for “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "review": review,
            "link": absolute(
                reverse(
                    "reviews:round", args=[assignment.round.article_id, assignment.round.number]
                )
            ),
        },
    )


def decision(review_round, feedback) -> None:
    """The editor's decision, to the authors, with the reviewers' comments
    meant for them (never the confidential ones)."""
    article = review_round.article
    queue(
        "decision",
        to=[author.email for author in article.authors.all()],
        subject=f"Decision on “{review_round.revision.title}”: "
        f"{review_round.get_decision_display().lower()}",
        context={
            "round": review_round,
            "feedback": feedback,
            "link": absolute(reverse("articles:workspace", args=[article.pk])),
        },
    )


def resubmission(review_round, reviewers) -> None:
    """The authors resubmitted: tell last round's reviewers."""
    for reviewer in reviewers:
        queue(
            "resubmission",
            to=[reviewer.email],
            subject=f"Revised version of “{review_round.revision.title}” submitted",
            context={"round": review_round, "reviewer": reviewer},
        )


def reminder(assignment, step: str) -> bool:
    """Sent directly (the command runs outside any request transaction); a
    failed reminder is retried through its own step record, not kept."""
    return _send(
        "review_reminder",
        to=[assignment.reviewer.email],
        subject=(
            f"Reminder: review of “{assignment.round.revision.title}” due "
            f"{assignment.due_date:%-d %b %Y}"
            if step == "due-soon"
            else f"Overdue: review of “{assignment.round.revision.title}”"
        ),
        context={
            "assignment": assignment,
            "overdue": step != "due-soon",
            "link": absolute(reverse("reviews:assignment", args=[assignment.pk])),
        },
        keep=False,
    )
