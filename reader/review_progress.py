"""What has happened so far to the text a reader sees, in plain words, from
the workflow's own records (the article's state, its review rounds and their
invitations and reviews). Public pages say only this about review: no page
calls text reviewed, checked or signed unless these records say it was.

Constant cost: one query for an approved page (how many clinicians reviewed
the shown revision), two for an unapproved one (that, and the last two
review rounds with their counts)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from articles.models import Article, ArticleState, Revision
from reviews.models import Review, ReviewAssignment, ReviewRound

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Invitations still standing or answered with a review: declined, replaced
# and cancelled ones were never sent on to anyone who is reviewing it.
_SENT = (
    ReviewAssignment.Status.INVITED,
    ReviewAssignment.Status.ACCEPTED,
    ReviewAssignment.Status.SUBMITTED,
)


def number_of(count: int, singular: str, plural: str) -> str:
    """ "two clinical reviewers", "one clinician", "12 clinicians"."""
    word = _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)
    return f"{word} {singular if count == 1 else plural}"


def _day(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else "an earlier date"


@dataclass(frozen=True)
class ReviewProgress:
    # Distinct clinicians who sent a review of the revision shown.
    peer_reviewers: int
    # For unapproved text: what has happened so far, as sentences ("" when approved).
    so_far: str = ""

    @property
    def peer_reviewed_line(self) -> str:
        if not self.peer_reviewers:
            return ""
        who = number_of(self.peer_reviewers, "clinician", "clinicians")
        return f"Peer reviewed by {who} (names withheld)."


def _peer_reviewers(revision: Revision) -> int:
    return (
        Review.objects.filter(revision=revision, status=Review.Status.SUBMITTED)
        .values("assignment__reviewer")
        .distinct()
        .count()
    )


def published_peer_reviewers() -> Coalesce:
    """`_peer_reviewers` of an article's published revision as an
    annotation, so the article page learns it with the article itself."""
    counted = (
        Review.objects.filter(
            revision=OuterRef("published_revision"), status=Review.Status.SUBMITTED
        )
        .order_by()
        .values("revision")
        .annotate(n=Count("assignment__reviewer", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _last_rounds(article: Article) -> list:
    return list(
        ReviewRound.objects.filter(article=article)
        .annotate(
            sent=Count("assignments", filter=Q(assignments__status__in=_SENT)),
            reviewed=Count(
                "assignments", filter=Q(assignments__status=ReviewAssignment.Status.SUBMITTED)
            ),
            first_sent_at=Min("assignments__invited_at", filter=Q(assignments__status__in=_SENT)),
        )
        .order_by("-number")[:2]
    )


def _in_review(latest, previous) -> str:
    """An open round: who it went to, when, and how many have answered."""
    start = ""
    if previous is not None and previous.decision == ReviewRound.Decision.CHANGES:
        start = "Revised by the author after reviewers asked for changes. "
    elif previous is not None and previous.decision == ReviewRound.Decision.BOARD:
        start = "Our Medical Advisory Board sent it back for more review. "
    if latest is None or not latest.sent:
        when = _day(latest.opened_at if latest is not None else None)
        if previous is None:
            return f"An editor started its review on {when}; no reviewers have been invited yet."
        return f"{start}Back with an editor since {when}; no reviewers have been invited yet."
    reviewers = number_of(latest.sent, "clinical reviewer", "clinical reviewers")
    sentence = f"{start}Sent to {reviewers} on {_day(latest.first_sent_at)}."
    if latest.reviewed:
        back = capfirst(number_of(latest.reviewed, "review has", "reviews have"))
        sentence += f" {back} come back so far."
    else:
        sentence += " No review has come back yet."
    return sentence


def review_progress(
    article: Article, revision: Revision, *, approved: bool, reviewers: int | None = None
) -> ReviewProgress:
    """What the page may say about review of `revision`, the one shown;
    `reviewers` when already counted (`published_peer_reviewers`)."""
    if reviewers is None:
        reviewers = _peer_reviewers(revision)
    if approved:
        return ReviewProgress(peer_reviewers=reviewers)
    if article.state == ArticleState.SUBMITTED:
        return ReviewProgress(
            peer_reviewers=reviewers,
            so_far=f"Submitted on {_day(revision.submitted_at)}; nobody has reviewed it yet.",
        )
    rounds = _last_rounds(article)
    latest = rounds[0] if rounds else None
    previous = rounds[1] if len(rounds) > 1 else None
    if article.state == ArticleState.CHANGES_REQUESTED and latest is not None:
        when = _day(latest.closed_at)
        if latest.reviewed:
            by = number_of(latest.reviewed, "clinician", "clinicians")
            so_far = f"Reviewed by {by}; changes were asked for on {when}. "
        else:
            so_far = f"Changes were asked for on {when}. "
        so_far += "The author is revising it."
    elif article.state == ArticleState.BOARD_REVIEW and latest is not None:
        by = f"Reviewed by {number_of(reviewers, 'clinician', 'clinicians')}; " if reviewers else ""
        so_far = f"{by}with our Medical Advisory Board since {_day(latest.closed_at)}."
        so_far = capfirst(so_far)
    else:
        so_far = _in_review(latest, previous)
    return ReviewProgress(peer_reviewers=reviewers, so_far=so_far)
