"""Figures for the editorial office dashboard. Each figure is one aggregate
query (or one query whose few rows are summarised in Python), never a loop over
articles, so the page costs the same whatever the size of the archive."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import Lead, RowNumber
from django.utils import timezone

from accounts.models import Role, User
from articles.models import (
    PUBLIC_STAGE_OF_STATE,
    Article,
    ArticleState,
    AuditEntry,
    review_records_hidden_from,
)
from reviews.models import Review, ReviewAssignment

WINDOW_DAYS = 90


ROW = 24  # SVG units per bar
BAR_SPACE = 320  # SVG units for the longest bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    length: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]

    @property
    def height(self) -> int:
        return ROW * max(len(self.bars), 1)


def chart(pairs: list[tuple[str, float]]) -> Chart:
    top = max((value for _, value in pairs), default=0) or 1
    return Chart(
        [
            Bar(label, value, ROW * index, round(BAR_SPACE * value / top, 1))
            for index, (label, value) in enumerate(pairs)
        ]
    )


def state_counts() -> dict[str, int]:
    counts = dict(Article.objects.values_list("state").annotate(n=Count("pk")))
    return {state.value: counts.get(state.value, 0) for state in ArticleState}


def stage_counts(by_state: dict[str, int]) -> dict[str, int]:
    stages: dict[str, int] = defaultdict(int)
    for state, count in by_state.items():
        stage = PUBLIC_STAGE_OF_STATE.get(state)
        if stage is not None:
            stages[stage.label] += count
    return stages


def _quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def days_in_state(now=None) -> dict[str, dict]:
    """Median and 90th percentile of days spent in each state, for stays that
    began within the last 90 days and have ended."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=WINDOW_DAYS)
    # Lead only looks forward, so leaving out entries before the cutoff does
    # not change the end of any stay that began after it; the database
    # returns only stays in the window that have ended.
    stays = (
        AuditEntry.objects.filter(action__in=Article.transition_methods(), created_at__gte=cutoff)
        .annotate(
            left_at=Window(
                Lead("created_at"),
                partition_by=[F("article_id")],
                order_by=[F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(left_at__isnull=False)
        .values_list("to_state", "created_at", "left_at")
    )
    durations: dict[str, list[float]] = defaultdict(list)
    for state, entered, left in stays:
        durations[state].append((left - entered).total_seconds() / 86400)
    return {
        state.value: {
            "label": state.label,
            "count": len(durations[state.value]),
            "median": round(statistics.median(durations[state.value]), 1)
            if durations[state.value]
            else None,
            "p90": round(_quantile(sorted(durations[state.value]), 0.9), 1)
            if durations[state.value]
            else None,
        }
        for state in ArticleState
        if state.value in durations
    }


RE_REVIEW_NOTICE_DAYS = 30


def review_counts(today: datetime.date, *, viewer) -> dict[str, int]:
    """Invitations overdue and unanswered, leaving out the viewer's own
    articles (whose review the viewer does not follow), and articles due for
    periodic review."""
    open_round = Q(round__closed_at__isnull=True)
    assignments = ReviewAssignment.objects.exclude(
        review_records_hidden_from(viewer, article_path="round__article")
    )
    figures = assignments.aggregate(
        overdue=Count(
            "pk",
            filter=open_round & Q(status__in=["invited", "accepted"], due_date__lt=today),
        ),
        unanswered=Count("pk", filter=open_round & Q(status="invited")),
    )
    figures["due_soon"] = _due_for_rereview(today).count()
    return figures


def _due_for_rereview(today: datetime.date):
    return Article.objects.filter(
        published_revision__isnull=False,
        next_review_due__lte=today + datetime.timedelta(days=RE_REVIEW_NOTICE_DAYS),
    )


def due_for_rereview(today: datetime.date, limit: int = 10) -> list:
    """The published articles whose periodic re-review falls due within
    RE_REVIEW_NOTICE_DAYS (or is past), soonest first."""
    return list(_due_for_rereview(today).order_by("next_review_due", "pk")[:limit])


def reviewer_workload(today: datetime.date, *, viewer) -> list[dict]:
    """Every reviewer's open, accepted and overdue invitations and median
    days to submit. Assignments on articles the viewer wrote are not
    counted: the figures would otherwise tell them who reviewed their own
    article (compare the page before and after an invitation)."""
    counted = ~review_records_hidden_from(viewer, article_path="review_assignments__round__article")
    open_status = Q(review_assignments__status__in=["invited", "accepted"])
    open_round = Q(review_assignments__round__closed_at__isnull=True)
    reviewers = (
        User.objects.filter(groups__name=Role.REVIEWER)
        .annotate(
            open=Count("review_assignments", filter=counted & open_status & open_round),
            answered=Count(
                "review_assignments",
                filter=counted
                & Q(review_assignments__status__in=["accepted", "submitted", "declined"]),
            ),
            accepted=Count(
                "review_assignments",
                filter=counted & Q(review_assignments__status__in=["accepted", "submitted"]),
            ),
            overdue=Count(
                "review_assignments",
                filter=counted
                & open_status
                & open_round
                & Q(review_assignments__due_date__lt=today),
            ),
        )
        .order_by("display_name", "username")
    )
    # The median is read from each reviewer's middle one or two reviews,
    # picked in the database, so the rows fetched grow with the reviewers,
    # not with every review ever submitted.
    taken = ExpressionWrapper(
        F("submitted_at") - F("assignment__invited_at"), output_field=DurationField()
    )
    by_reviewer = {"partition_by": [F("assignment__reviewer_id")]}
    middle_reviews = (
        Review.objects.filter(status="submitted")
        .exclude(review_records_hidden_from(viewer, article_path="assignment__round__article"))
        .annotate(
            position=Window(RowNumber(), order_by=[taken.asc(), F("pk").asc()], **by_reviewer),
            submitted_count=Window(Count("pk"), **by_reviewer),
        )
        .filter(
            position__gte=(F("submitted_count") + 1) / 2,
            position__lte=F("submitted_count") / 2 + 1,
        )
        .values_list("assignment__reviewer_id", "assignment__invited_at", "submitted_at")
    )
    turnaround: dict[int, list[float]] = defaultdict(list)
    for reviewer_id, invited, submitted in middle_reviews:
        turnaround[reviewer_id].append((submitted - invited).total_seconds() / 86400)
    return [
        {
            "reviewer": reviewer,
            "open": reviewer.open,
            "acceptance": round(100 * reviewer.accepted / reviewer.answered)
            if reviewer.answered
            else None,
            "median_days": round(statistics.median(turnaround[reviewer.pk]), 1)
            if turnaround[reviewer.pk]
            else None,
            "overdue": reviewer.overdue,
        }
        for reviewer in reviewers
    ]
