"""Emails about review work: what each says and to whom. They go out
through core.outbox (after the action commits; kept and retried if the
mail server refuses them), each with a link to the page where the
recipient acts."""

from django.urls import reverse

from core import outbox


def invitation(assignment) -> None:
    outbox.queue(
        "review_invitation",
        to=[assignment.reviewer.email],
        subject=f"Invitation to review “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "link": outbox.absolute(reverse("reviews:assignment", args=[assignment.pk])),
        },
    )


def response(assignment) -> None:
    """Accept or decline, to the editor who invited."""
    verb = "accepted" if assignment.status == assignment.Status.ACCEPTED else "declined"
    outbox.queue(
        "review_response",
        to=[assignment.invited_by.email],
        subject=f"{assignment.reviewer} {verb} to review “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "verb": verb,
            "link": outbox.absolute(reverse("reviews:invite", args=[assignment.round.article_id])),
        },
    )


def review_submitted(review) -> None:
    assignment = review.assignment
    outbox.queue(
        "review_submitted",
        to=[assignment.invited_by.email],
        subject=f"Review submitted for “{assignment.round.revision.title}”",
        context={
            "assignment": assignment,
            "review": review,
            "link": outbox.absolute(
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
    outbox.queue(
        "decision",
        to=[author.email for author in article.authors.all()],
        subject=f"Decision on “{review_round.revision.title}”: "
        f"{review_round.get_decision_display().lower()}",
        context={
            "round": review_round,
            "feedback": feedback,
            "link": outbox.absolute(reverse("articles:workspace", args=[article.pk])),
        },
    )


def resubmission(review_round, reviewers) -> None:
    """The authors resubmitted: tell last round's reviewers."""
    for reviewer in reviewers:
        outbox.queue(
            "resubmission",
            to=[reviewer.email],
            subject=f"Revised version of “{review_round.revision.title}” submitted",
            context={"round": review_round, "reviewer": reviewer},
        )


def reminder(assignment, step: str) -> None:
    """Queued with the step's ReminderSent row (reviews.reminders)."""
    outbox.queue(
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
            "link": outbox.absolute(reverse("reviews:assignment", args=[assignment.pk])),
        },
    )
