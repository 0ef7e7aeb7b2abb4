"""What is waiting on whom, per article, for the editors' queue.

Works on articles with their rounds and assignments prefetched, so the page
costs the same few queries however many articles are in the pipeline."""

from dataclasses import dataclass, field
from datetime import date

from articles.models import ArticleState, EditorialPolicy
from reviews.models import ReviewAssignment

Status = ReviewAssignment.Status
UNANSWERED_AFTER_DAYS = 3


@dataclass
class QueueRow:
    article: object
    items: list[tuple[int, str]] = field(default_factory=list)  # (urgency, what is waiting)
    waiting_on: str = ""

    @property
    def urgency(self) -> int:
        return max((urgency for urgency, _ in self.items), default=0)


def _round_items(row: QueueRow, review_round, required: int, today: date) -> None:
    assignments = list(review_round.assignments.all())
    if not review_round.is_open:
        submitted = sum(a.status == Status.SUBMITTED for a in assignments)
        row.items.append(
            (
                3,
                f"Round {review_round.number} is ready for a decision ({submitted} "
                f"review{'s' if submitted != 1 else ''} in).",
            )
        )
        row.waiting_on = "Editor"
        return
    row.waiting_on = "Reviewers"
    if not assignments:
        row.items.append((3, "No reviewers invited yet."))
        row.waiting_on = "Editor"
    for a in assignments:
        if (
            a.status == Status.INVITED
            and (today - a.invited_at.date()).days >= UNANSWERED_AFTER_DAYS
        ):
            days = (today - a.invited_at.date()).days
            row.items.append((2, f"Invitation to {a.reviewer} unanswered for {days} days."))
        if a.is_overdue(today):
            row.items.append((3, f"Review by {a.reviewer} overdue since {a.due_date:%-d %b %Y}."))
        if a.awaits_conflict_decision:
            row.items.append((3, f"{a.reviewer} declared a competing interest: keep or replace."))
            row.waiting_on = "Editor"
    accepted = sum(a.status in {Status.ACCEPTED, Status.SUBMITTED} for a in assignments)
    if assignments and accepted < required:
        row.items.append((2, f"Only {accepted} of the {required} reviewers needed have accepted."))


def editor_queue_items(articles, *, today: date) -> list[QueueRow]:
    required = EditorialPolicy.current().reviewers_per_round
    rows = []
    for article in articles:
        row = QueueRow(article)
        if article.state == ArticleState.SUBMITTED:
            days = (today - article.submitted_at.date()).days if article.submitted_at else 0
            row.items.append(
                (3 if days >= 3 else 2, f"New submission to triage ({days} days old).")
            )
            row.waiting_on = "Editor"
        elif article.state == ArticleState.UNDER_REVIEW:
            rounds = list(article.review_rounds.all())
            if rounds:
                _round_items(row, rounds[-1], required, today)
            else:
                row.items.append((3, "No review round open: invite reviewers."))
                row.waiting_on = "Editor"
        elif article.state == ArticleState.CHANGES_REQUESTED:
            row.items.append((0, "Waiting for the authors to revise."))
            row.waiting_on = "Authors"
        elif article.state == ArticleState.APPROVED and article.rereview_due_since:
            row.items.append(
                (2, f"Periodic re-review due since {article.rereview_due_since:%-d %b %Y}.")
            )
            row.waiting_on = "Editor and authors"
        elif article.state == ArticleState.BOARD_REVIEW:
            row.items.append((1, "Waiting for Advisory Board sign-off."))
            row.waiting_on = "Advisory Board"
        questions = getattr(article, "open_questions", 0)
        if questions:
            plural = "s" if questions != 1 else ""
            row.items.append((2, f"{questions} reader message{plural} waiting for an editor."))
            row.waiting_on = row.waiting_on or "Editor"
        rows.append(row)
    rows.sort(key=lambda row: (-row.urgency, row.article.updated_at))
    return rows
