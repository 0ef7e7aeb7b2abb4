"""What is waiting on whom, per article, for the editors' queue.

Works on articles with their rounds and assignments prefetched, so the page
costs the same few queries however many articles are in the pipeline."""

from dataclasses import dataclass, field
from datetime import date

from articles.models import ArticleState, EditorialPolicy, SourceAlertKind
from reviews.models import ReviewAssignment
from reviews.progress import RoundProgress

Status = ReviewAssignment.Status
UNANSWERED_AFTER_DAYS = 3
TRIAGE_WITHIN_DAYS = 3

# What each urgency means, shown as the queue's badge and explained in its
# legend (templates/office/queue.html). 0 and 1: no badge, nothing is late.
URGENT, SOON, NEW = 3, 2, 1
BADGES = {
    URGENT: (
        "Urgent",
        "danger",
        "a deadline has passed, the article cannot move until an editor acts, "
        "or a study a published article cites was retracted",
    ),
    SOON: (
        "Soon",
        "warning",
        f"needs an editor within days: an invitation unanswered for {UNANSWERED_AFTER_DAYS} days "
        "or more, too few reviewers, a re-review due, a reader's message, a correction or "
        "an expression of concern about a cited study",
    ),
    NEW: (
        "New",
        "info",
        f"a submission that arrived less than {TRIAGE_WITHIN_DAYS} days ago; "
        "it becomes urgent after that",
    ),
}


@dataclass
class QueueRow:
    article: object
    items: list[tuple[int, str]] = field(default_factory=list)  # (urgency, what is waiting)
    waiting_on: str = ""
    # The retraction watch's open alerts, each linked to the page that clears it.
    source_alerts: list = field(default_factory=list)

    @property
    def urgency(self) -> int:
        return max((urgency for urgency, _ in self.items), default=0)

    @property
    def badge(self) -> tuple[str, str, str] | None:
        """(label, colour, meaning) for the row's most pressing item."""
        return BADGES.get(self.urgency)


def _round_items(row: QueueRow, review_round, required: int, today: date) -> None:
    assignments = list(review_round.assignments.all())
    if not review_round.is_open:
        submitted = sum(a.status == Status.SUBMITTED for a in assignments)
        row.items.append(
            (
                URGENT,
                f"Round {review_round.number} is ready for a decision ({submitted} "
                f"review{'s' if submitted != 1 else ''} in).",
            )
        )
        row.waiting_on = "Editor"
        return
    row.waiting_on = "Reviewers"
    if not assignments:
        row.items.append((URGENT, "No reviewers invited yet."))
        row.waiting_on = "Editor"
    for a in assignments:
        if (
            a.status == Status.INVITED
            and (today - a.invited_at.date()).days >= UNANSWERED_AFTER_DAYS
        ):
            days = (today - a.invited_at.date()).days
            row.items.append((SOON, f"Invitation to {a.reviewer} unanswered for {days} days."))
        if a.is_overdue(today):
            row.items.append(
                (URGENT, f"Review by {a.reviewer} overdue since {a.due_date:%-d %b %Y}.")
            )
        for request in getattr(a, "pending_extensions", ()):
            row.items.append(
                (
                    URGENT,
                    f"{a.reviewer} asks for more time (until "
                    f"{request.requested_date:%-d %b %Y}): grant or refuse.",
                )
            )
            row.waiting_on = "Editor"
        if a.awaits_conflict_decision:
            row.items.append(
                (URGENT, f"{a.reviewer} declared a competing interest: keep or replace.")
            )
            row.waiting_on = "Editor"
    progress = RoundProgress.of_assignments(assignments, required, is_open=True, today=today)
    if assignments and progress.accepted < required:
        # Invitations still unanswered may make up the number: only when they
        # cannot does the editor need to invite more (the round page's rule).
        counted = progress.accepted_sentence.removesuffix(".")
        if progress.short_of_reviewers:
            row.items.append((SOON, f"{counted}: invite more."))
        else:
            row.items.append((0, f"{counted}; {progress.waiting_sentence.lower()}"))


def editor_queue_items(articles, *, today: date) -> list[QueueRow]:
    required = EditorialPolicy.current().reviewers_per_round
    rows = []
    for article in articles:
        row = QueueRow(article)
        if article.state == ArticleState.SUBMITTED:
            days = (today - article.submitted_at.date()).days if article.submitted_at else 0
            age = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
            row.items.append(
                (
                    URGENT if days >= TRIAGE_WITHIN_DAYS else NEW,
                    f"New submission to triage (arrived {age}).",
                )
            )
            row.waiting_on = "Editor"
        elif article.state == ArticleState.UNDER_REVIEW:
            rounds = list(article.review_rounds.all())
            if rounds:
                _round_items(row, rounds[-1], required, today)
            else:
                row.items.append((URGENT, "No review round open: invite reviewers."))
                row.waiting_on = "Editor"
        elif article.state == ArticleState.CHANGES_REQUESTED:
            due = article.revision_due_date
            if due and due < today:
                row.items.append((SOON, f"The authors' revision is overdue since {due:%-d %b %Y}."))
            elif due:
                row.items.append((0, f"Waiting for the authors to revise (due {due:%-d %b %Y})."))
            else:
                row.items.append((0, "Waiting for the authors to revise."))
            row.waiting_on = "Authors"
        elif article.state == ArticleState.APPROVED and article.rereview_due_since:
            row.items.append(
                (SOON, f"Periodic re-review due since {article.rereview_due_since:%-d %b %Y}.")
            )
            row.waiting_on = "Editor and authors"
        elif article.state == ArticleState.BOARD_REVIEW:
            row.items.append((0, "Waiting for Advisory Board sign-off."))
            row.waiting_on = "Advisory Board"
        for alert in sorted(getattr(article, "open_source_alerts", ()), key=lambda a: a.severity):
            urgency = URGENT if alert.kind == SourceAlertKind.RETRACTION else SOON
            row.items.append((urgency, alert.editor_sentence))
            row.source_alerts.append(alert)
            row.waiting_on = row.waiting_on or "Editor"
        questions = getattr(article, "open_questions", 0)
        if questions:
            plural = "s" if questions != 1 else ""
            row.items.append((SOON, f"{questions} reader message{plural} waiting for an editor."))
            row.waiting_on = row.waiting_on or "Editor"
        rows.append(row)
    rows.sort(key=lambda row: (-row.urgency, row.article.updated_at))
    return rows
