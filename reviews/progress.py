"""How far a review round has got, in sentences that count right (0, 1,
many) and warn only about a real problem."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from .models import ExtensionRequest, ReviewAssignment, ReviewRound

Status = ReviewAssignment.Status


def needed_sentence(count: int, needed: int, *, noun: str, plural: str, done: str) -> str:
    """'1 of the 2 reviewers needed has accepted.', with `done` the past
    participle ('accepted') and the noun in both numbers."""
    if needed == 1:
        return (
            f"The one {noun} needed has {done}."
            if count >= 1
            else f"The one {noun} needed has not {done} yet."
        )
    if count == 0:
        return f"None of the {needed} {plural} needed has {done} yet."
    if count > needed:
        return f"{count} {plural} have {done}; {needed} are needed."
    if count == needed:
        return f"{'Both' if needed == 2 else f'All {needed}'} {plural} needed have {done}."
    verb = "has" if count == 1 else "have"
    return f"{count} of the {needed} {plural} needed {verb} {done}."


def count_phrase(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


@dataclass
class RoundProgress:
    """Counts of one round against the policy's number of reviews."""

    required: int
    accepted: int = 0
    submitted: int = 0
    waiting: int = 0  # invited, not answered, due date not passed
    overdue: int = 0  # invited or accepted, due date passed, no review yet
    is_open: bool = False
    assignments: list = field(default_factory=list)

    @classmethod
    def of(cls, review_round: ReviewRound | None, required: int, today=None) -> "RoundProgress":
        if review_round is None:
            return cls(required=required)
        assignments = list(
            review_round.assignments.select_related("reviewer", "review").prefetch_related(
                Prefetch(
                    "extension_requests",
                    queryset=ExtensionRequest.objects.filter(
                        status=ExtensionRequest.Status.PENDING
                    ),
                    to_attr="pending_extensions",
                )
            )
        )
        return cls.of_assignments(assignments, required, is_open=review_round.is_open, today=today)

    @classmethod
    def of_assignments(
        cls, assignments: list, required: int, *, is_open: bool, today=None
    ) -> "RoundProgress":
        """The same counts from assignments already loaded (the editor's
        queue prefetches them for every article)."""
        today = today or timezone.localdate()
        active = [a for a in assignments if a.status in {Status.INVITED, Status.ACCEPTED}]
        return cls(
            required=required,
            accepted=sum(a.status in {Status.ACCEPTED, Status.SUBMITTED} for a in assignments),
            submitted=sum(a.status == Status.SUBMITTED for a in assignments),
            waiting=sum(a.status == Status.INVITED and a.due_date >= today for a in assignments),
            overdue=sum(a.due_date < today for a in active),
            is_open=is_open,
            assignments=assignments,
        )

    @property
    def accepted_sentence(self) -> str:
        return needed_sentence(
            self.accepted, self.required, noun="reviewer", plural="reviewers", done="accepted"
        )

    @property
    def submitted_sentence(self) -> str:
        return needed_sentence(
            self.submitted, self.required, noun="review", plural="reviews", done="come in"
        )

    @property
    def waiting_sentence(self) -> str:
        if not self.waiting:
            return ""
        invitations = count_phrase(self.waiting, "invitation is", "invitations are")
        return f"{invitations} waiting for an answer."

    @property
    def short_of_reviewers(self) -> bool:
        """Too few people can still review this round: declines (or
        replacements) leave fewer accepted-or-still-invited reviewers than
        the policy needs. Invitations just sent are no problem, and a round
        nobody is invited to yet says so in its own words."""
        return (
            self.is_open and bool(self.assignments) and self.accepted + self.waiting < self.required
        )

    @property
    def problem_sentence(self) -> str:
        """What the editor should act on, or ""."""
        if not self.is_open:
            return ""
        problems = []
        if self.short_of_reviewers:
            can = self.accepted + self.waiting
            problems.append(
                f"The policy needs {count_phrase(self.required, 'review', 'reviews')} per round, "
                f"but only {can} of the people invited {'has' if can == 1 else 'have'} accepted "
                f"or may still accept. Invite another reviewer."
            )
        if self.overdue:
            problems.append(
                f"{count_phrase(self.overdue, 'reviewer is', 'reviewers are')} past the due date "
                f"without a review: send a reminder or invite someone else."
            )
        return " ".join(problems)
