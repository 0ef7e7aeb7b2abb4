"""Who hears of each review hand-off, and what they are told: invitations
(the reviewer), replies and submitted reviews (the article's editors:
`Article.editors_to_notify`), decisions (the authors, with the reviewers'
comments meant for them; each reviewer of the round, thanked with the
outcome), the board's turn (its independent members), approval (the
cycle's reviewers) and resubmissions (last round's reviewers).

Each goes through `accounts.notifications.notify`: an inbox entry, and an
email by the person's choice (each one, a daily digest, none), sent after
the action commits. Every function here is called inside the action's
transaction; the person who acted is never told. Reminders are emails
only (`reminder`)."""

from django.urls import reverse

from accounts.models import Role, User
from accounts.notifications import notify
from articles.rules import may_sign_off
from core import outbox

from .models import Review, ReviewRound


def _round_page(review_round) -> str:
    return reverse("reviews:round", args=[review_round.article_id, review_round.number])


def invitation(assignment) -> None:
    notify(
        [assignment.reviewer],
        kind="review_invited",
        subject=f"Invitation to review “{assignment.round.revision.title}”",
        body=f"Please reply to the invitation; the review is due {assignment.due_date:%-d %b %Y}.",
        link=reverse("reviews:assignment", args=[assignment.pk]),
        actor=assignment.invited_by,
        email_template="review_invitation",
        email_context={"assignment": assignment},
    )


def response(assignment) -> None:
    """Accept or decline, to the article's editors."""
    verb = "accepted" if assignment.status == assignment.Status.ACCEPTED else "declined"
    notify(
        assignment.round.article.editors_to_notify(),
        kind=f"review_{verb}",
        subject=f"{assignment.reviewer} {verb} to review “{assignment.round.revision.title}”",
        body=assignment.decline_reason if verb == "declined" else "",
        link=reverse("reviews:invite", args=[assignment.round.article_id]),
        actor=assignment.reviewer,
        email_template="review_response",
        email_context={"assignment": assignment, "verb": verb},
    )


def review_submitted(review) -> None:
    assignment = review.assignment
    notify(
        assignment.round.article.editors_to_notify(),
        kind="review_submitted",
        subject=f"Review submitted for “{assignment.round.revision.title}”",
        body=f"Round {assignment.round.number}, by {assignment.reviewer}: "
        f"{review.get_recommendation_display()}.",
        link=_round_page(assignment.round),
        actor=assignment.reviewer,
        email_template="review_submitted",
        email_context={"assignment": assignment, "review": review},
    )


def decision(review_round, feedback) -> None:
    """The editor's decision, to the authors, with the reviewers' comments
    meant for them (labelled "Reviewer 1", …; never the confidential ones,
    never a reviewer's name). The inbox entry carries the editor's letter."""
    article = review_round.article
    notify(
        article.authors.all(),
        kind="article_decision",
        subject=f"Decision on “{review_round.revision.title}”: "
        f"{review_round.get_decision_display().lower()}",
        body=review_round.decision_letter,
        link=reverse("articles:workspace", args=[article.pk]),
        actor=review_round.decided_by,
        email_template="decision",
        email_context={"round": review_round, "feedback": feedback},
    )


# What a reviewer is told of the round they reviewed: the outcome only
# (never the letter to the authors, nor who else reviewed).
OUTCOME_FOR_REVIEWERS = {
    ReviewRound.Decision.CHANGES: "the editor asked the authors for a revised version",
    ReviewRound.Decision.BOARD: "the editor sent it to the Medical Advisory Board for sign-off",
    ReviewRound.Decision.REJECT: "the editor decided not to accept it",
    ReviewRound.Decision.WITHDRAWN: "the authors withdrew it",
}


def thank_reviewers(review_round) -> None:
    """Each reviewer who submitted a review in the round hears its outcome."""
    outcome = OUTCOME_FOR_REVIEWERS[review_round.decision]
    title = review_round.revision.title
    for review in review_round.submitted_reviews():
        notify(
            [review.assignment.reviewer],
            kind="review_outcome",
            subject=f"Thank you for reviewing “{title}”: {outcome}",
            body=f"Your review of revision {review_round.revision.number} (round "
            f"{review_round.number}) was part of this decision: {outcome}. Thank you.",
            link=reverse("reviews:assignment", args=[review.assignment_id]),
            actor=review_round.decided_by,
        )


def to_board(article, actor) -> None:
    """The article reached the board: each member who may sign it now
    (`rules.may_sign_off`: independent of it, not signed yet) is asked."""
    members = [m for m in User.objects.acting_in(Role.BOARD) if may_sign_off(m, article)]
    notify(
        members,
        kind="board_review",
        subject=f"Waiting for your sign-off: “{article.current_revision.title}”",
        body=f"Revision {article.current_revision.number} was sent to the Advisory Board.",
        link=reverse("reviews:signoff", args=[article.pk]),
        actor=actor,
    )


def approval(article, actor) -> None:
    """The article was approved: the reviewers of this review cycle (every
    round since it was submitted) hear that what they reviewed is published."""
    reviews = Review.objects.filter(
        status=Review.Status.SUBMITTED, assignment__round__article=article
    )
    if article.submitted_at is not None:
        reviews = reviews.filter(assignment__round__opened_at__gte=article.submitted_at)
    reviewers = User.objects.filter(pk__in=reviews.values("assignment__reviewer"))
    notify(
        reviewers,
        kind="review_published",
        subject=f"Published: “{article.title}”, which you reviewed",
        body="The Medical Advisory Board approved it. Thank you for your review.",
        link=reverse("reviews:mine"),
        actor=actor,
    )


def resubmission(review_round, reviewers) -> None:
    """The authors resubmitted: tell last round's reviewers."""
    for reviewer in reviewers:
        notify(
            [reviewer],
            kind="review_resubmission",
            subject=f"Revised version of “{review_round.revision.title}” submitted",
            body="The editor may invite you to review it again; you will get a separate "
            "invitation if so.",
            link=reverse("reviews:mine"),
            email_template="resubmission",
            email_context={"round": review_round, "reviewer": reviewer},
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
