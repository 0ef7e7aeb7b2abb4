"""The article workflow's vocabulary: what can go wrong, what must be true
before a transition may run, and how the article's standing is put in words."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..text.citations import citation_problems
from .policy import EditorialPolicy

if TYPE_CHECKING:  # annotations only: article.py imports this module
    from .article import Article


class FrozenRevisionError(Exception):
    """A submitted revision was about to change. Reviews and signatures point at
    revisions, so their content must stay exactly as it was judged."""


class ArticleChanged(Exception):
    """Someone else moved the article on between page load and this action."""


class TransitionRefused(Exception):
    """The transition exists but cannot run now; `problems` says why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def add_months(day: date | datetime, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------
# What must be true first. Each condition carries the sentence shown when it fails.


def _condition(message: str):
    def decorate(check):
        check.failure_message = message
        return check

    return decorate


@_condition("There is no new draft to submit: edit the article first.")
def _has_open_draft(article: "Article") -> bool:
    revision = article.current_revision
    return revision is not None and not revision.is_frozen


@_condition("The draft needs a title (the reader's question).")
def _draft_has_title(article: "Article") -> bool:
    return bool(article.current_revision and article.current_revision.title.strip())


@_condition("The draft needs a body.")
def _draft_has_body(article: "Article") -> bool:
    return bool(article.current_revision and article.current_revision.body.strip())


@_condition("The draft needs at least one reference.")
def _draft_has_reference(article: "Article") -> bool:
    return bool(article.current_revision and article.current_revision.references.exists())


def _explains(explain):
    """Attach a function that lists each problem, for conditions with many."""

    def decorate(check):
        check.explain = explain
        return check

    return decorate


def _draft_citation_problems(article: "Article") -> list[str]:
    revision = article.current_revision
    if revision is None:
        return []
    return citation_problems(revision.all_bodies, list(revision.references.all()))


@_explains(_draft_citation_problems)
@_condition("The citations and references do not match.")
def _draft_citations_intact(article: "Article") -> bool:
    return not _draft_citation_problems(article)


def _review_shortfall_problems(article: "Article") -> list[str]:
    required = EditorialPolicy.current().reviewers_per_round
    review_round = article.current_round()
    if review_round is None:
        return [f"The policy asks for {_reviews(required)} before a decision; none is in."]
    missing = review_round.missing_reviews(required)
    if not missing:
        return []
    in_so_far = required - missing
    asks = (
        f"The policy asks for {_reviews(required)} in round {review_round.number} before a "
        f"decision; {in_so_far} {'is' if in_so_far == 1 else 'are'} in."
    )
    if not review_round.assignments.exists():
        return [
            f"{asks} No reviewers are invited in round {review_round.number} yet: invite "
            f"reviewers, or record on the round's page why you decide with fewer."
        ]
    return [
        f"{asks} Wait for the reviewers, or record on the round's page why you decide with fewer."
    ]


def _reviews(count: int) -> str:
    return f"{count} submitted review{'' if count == 1 else 's'}"


@_explains(_review_shortfall_problems)
@_condition("The round does not have the reviews the policy asks for yet.")
def round_has_required_reviews(article: "Article") -> bool:
    return not _review_shortfall_problems(article)


@_condition("Not enough valid Advisory Board sign-offs yet for the policy's quorum.")
def board_quorum_reached(article: "Article") -> bool:
    return article.valid_signoff_count() >= EditorialPolicy.current().board_quorum


SUBMIT_CONDITIONS = [
    _has_open_draft,
    _draft_has_title,
    _draft_has_body,
    _draft_has_reference,
    _draft_citations_intact,
]


@dataclass(frozen=True)
class AuthorStatus:
    words: str
    action: str | None
    action_view: str | None  # "edit" or "workspace"
    needs_author: bool


@dataclass(frozen=True)
class TrackerStep:
    label: str
    reached_at: datetime | None
    is_done: bool
    is_current: bool
