"""Emails about review work. Each is queued with transaction.on_commit, so a
rolled-back action never tells anyone it happened; each has a plain-text and
an HTML part rendered from templates/emails/<name>.txt|.html, and a link to
the page where the recipient acts."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(template: str, *, to: list[str], subject: str, context: dict) -> None:
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        # Headers are one line: collapse any whitespace a title might carry.
        subject=" ".join(f"[Medical Review] {subject}".split()),
        body=render_to_string(f"emails/{template}.txt", context),
        to=recipients,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


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


def reminder(assignment, step: str) -> None:
    """Sent directly (the command runs outside any request transaction)."""
    _send(
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
    )
