"""The reviews app's share of the staff home (articles.desk): what waits on
editors (rounds to decide, overdue reviews), reviewers (invitations, reviews
to write) and board members (revisions to sign). Registered in ReviewsConfig."""

from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse

from accounts.rules import is_board_member, is_editor, is_reviewer
from articles.desk import Task
from articles.models import Article, ArticleState

from .models import BoardSignoff, ExtensionRequest, ReviewAssignment, ReviewRound

Status = ReviewAssignment.Status


def editor_tasks(user, today: date):
    if not is_editor(user):
        return None
    handled = Article.objects.handleable_by(user)
    queue = reverse("office:queue")
    return "editor", [
        Task(
            "Rounds ready for your decision",
            ReviewRound.objects.filter(
                article__in=handled,
                article__state=ArticleState.UNDER_REVIEW,
                closed_at__isnull=False,
                decision="",
            ).count(),
            f"{queue}?state={ArticleState.UNDER_REVIEW}",
        ),
        Task(
            "Overdue reviews",
            ReviewAssignment.objects.awaiting_work()
            .filter(round__article__in=handled, due_date__lt=today)
            .count(),
            queue,
        ),
        Task(
            "Requests for more time to answer",
            ExtensionRequest.objects.filter(
                status=ExtensionRequest.Status.PENDING,
                assignment__round__article__in=handled,
                assignment__round__closed_at__isnull=True,
            ).count(),
            queue,
        ),
    ]


def reviewer_tasks(user, today: date):
    if not is_reviewer(user):
        return None
    mine = ReviewAssignment.objects.filter(reviewer=user, round__closed_at__isnull=True)
    url = reverse("reviews:mine")
    return "reviewer", [
        Task("Invitations to answer", mine.filter(status=Status.INVITED).count(), url),
        Task(
            "Reviews overdue",
            mine.filter(status=Status.ACCEPTED, due_date__lt=today).count(),
            url,
        ),
        Task(
            "Reviews to write",
            mine.filter(status=Status.ACCEPTED, due_date__gte=today).count(),
            url,
        ),
    ]


def board_tasks(user, today: date):
    if not is_board_member(user):
        return None
    unsigned = (
        Article.objects.in_board_review_for(user)
        .filter(pk__in=Article.objects.signable_by(user).values("pk"))
        .exclude(
            Exists(
                BoardSignoff.objects.counting_by(user).filter(revision=OuterRef("current_revision"))
            )
        )
    )
    return "board", [
        Task("Revisions awaiting your signature", unsigned.count(), reverse("reviews:board_queue"))
    ]
