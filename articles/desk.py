"""The staff home, "what needs you now": for each role a person holds, the
kinds of work waiting for them, each with a count and a link to the page
where that work is done.

This app lists the work it owns (submissions to triage, reader questions);
apps built on it add theirs (reviews: invitations, rounds to decide, board
signatures) with `register`, called from their AppConfig.ready(), so this
module never imports the apps above it. Each source asks the same rules the
linked pages enforce and answers None for a role the person does not hold."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from accounts.rules import is_editor

from .models import Article, ArticleState, ReaderQuestion, SourceAlert


@dataclass(frozen=True)
class Task:
    label: str  # what is waiting, as a plural noun phrase: "Submissions to triage"
    count: int
    url: str


# The roles in the order the desk lists them, with their headings.
ROLES = {
    "author": "As an author",
    "editor": "As an editor",
    "reviewer": "As a reviewer",
    "board": "As an Advisory Board member",
}

Source = Callable[[object, date], tuple[str, list[Task]] | None]
_sources: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of work: a function (user, today) -> (role, tasks), or
    None when the person does not hold the role."""
    if source not in _sources:
        _sources.append(source)
    return source


def tasks_for(user, today: date) -> dict[str, list[Task]]:
    """{role: tasks with something waiting}, for each role the person holds
    (an empty list: the role has nothing waiting), in ROLES order."""
    found: dict[str, list[Task]] = {}
    for source in _sources:
        answer = source(user, today)
        if answer is None:
            continue
        role, tasks = answer
        found.setdefault(role, []).extend(task for task in tasks if task.count)
    return {role: found[role] for role in ROLES if role in found}


@register
def editor_tasks(user, today: date):
    if not is_editor(user):
        return None
    queue = reverse("office:queue")
    return "editor", [
        Task(
            "New submissions to triage",
            Article.objects.handleable_by(user).filter(state=ArticleState.SUBMITTED).count(),
            f"{queue}?state={ArticleState.SUBMITTED}",
        ),
        Task(
            "Reader questions to answer",
            ReaderQuestion.objects.unanswered_for(user).count(),
            reverse("office:questions"),
        ),
        Task(
            "Alerts about cited studies (retracted, corrected or questioned)",
            SourceAlert.objects.open_for_editor(user).count(),
            reverse("office:source_alerts"),
        ),
    ]


def author_tasks(mine: list, may_write: bool) -> tuple[str, list[Task]] | None:
    """The author's share, from the desk's own list of (article, author_status)
    pairs (no further query): what is waiting on them, grouped by kind."""
    if not mine and not may_write:
        return None
    kinds = {
        ArticleState.CHANGES_REQUESTED: "Articles with changes requested",
        ArticleState.DRAFT: "Drafts to finish and submit",
        ArticleState.APPROVED: "Published articles to update",
    }
    waiting: dict[str, list] = {state: [] for state in kinds}
    for article, status in mine:
        if status.needs_author and article.state in waiting:
            waiting[article.state].append((article, status))
    return "author", [
        Task(label, len(waiting[state]), _author_url(waiting[state]))
        for state, label in kinds.items()
    ]


def _author_url(pairs: list) -> str:
    # One article: straight to its next step; several: the list below.
    if len(pairs) != 1:
        return "#mine-heading"
    article, status = pairs[0]
    if status.action_view == "edit":
        return reverse("articles:edit", args=[article.pk])
    return article.get_absolute_url()
