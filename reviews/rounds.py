"""Review rounds follow the article's workflow: a round opens when review
starts, when the authors resubmit or when the board returns the article,
and the editor's decision closes it; each step tells whom it concerns
(reviews/notifications.py). Connected in ReviewsConfig.ready()."""

from django.utils import timezone

from articles.models import Article

from . import notifications
from .models import ReviewAssignment, ReviewRound

OPENS_A_ROUND = {"start_review", "resubmit", "return_to_editor"}
CLOSES_A_ROUND = {choice.value for choice in ReviewRound.Decision}


def round_open(article: Article) -> ReviewRound:
    previous = article.current_round()
    return ReviewRound.objects.create(
        article=article,
        number=(previous.number + 1) if previous else 1,
        revision=article.current_revision,
    )


def round_close(review_round: ReviewRound, *, decision: str = "", letter: str = "", by=None):
    """Close the round: outstanding invitations lapse; the decision, if any,
    is stored with the round."""
    now = timezone.now()
    if review_round.closed_at is None:
        review_round.closed_at = now
        review_round.assignments.filter(
            status__in=[ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED]
        ).update(status=ReviewAssignment.Status.CANCELLED)
    if decision:
        review_round.decision = decision
        review_round.decision_letter = letter
        review_round.decided_by = by
    review_round.save()
    return review_round


def follow_the_article(sender, *, article, name, actor, comment, **kwargs) -> None:
    if name in CLOSES_A_ROUND:
        review_round = article.current_round()
        if review_round is not None and review_round.decision == "":
            round_close(review_round, decision=name, letter=comment, by=actor)
            if name != ReviewRound.Decision.WITHDRAWN:
                notifications.decision(review_round, review_round.feedback_for_authors())
            notifications.thank_reviewers(review_round)
    if name == ReviewRound.Decision.BOARD:
        notifications.to_board(article, actor)
    if name == "approve":
        notifications.approval(article, actor)
    if name in OPENS_A_ROUND:
        previous = article.current_round()
        new_round = round_open(article)
        if name == "resubmit" and previous is not None:
            reviewers = [review.assignment.reviewer for review in previous.submitted_reviews()]
            notifications.resubmission(new_round, reviewers)
