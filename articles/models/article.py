import calendar
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_fsm import (
    RETURN_VALUE,
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMField,
    Transition,
    can_proceed,
    transition,
)

from accounts.models import AudienceLevel
from accounts.rules import is_board_member, is_editor
from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks
from core.models import AppendOnlyModel, AppendOnlyQuerySet

from ..rules import (
    AUTHORS,
    DECIDING_EDITOR,
    HANDLING_EDITOR,
    INDEPENDENT_BOARD_MEMBER,
    transition_refusal,
)
from ..signals import article_transitioned
from ..states import (
    EDITABLE_STATES,
    PUBLIC_STAGE_OF_STATE,
    REVIEW_SUBMITTED,
    ArticleState,
    PublicStage,
)
from ..text.citations import citation_problems
from ..text.diffs import RevisionDiff, diff_revisions
from ..text.rendering import render_text
from .policy import EditorialPolicy, PolicyVersion

__all__ = [
    "EDITABLE_STATES",
    "PUBLIC_STAGE_OF_STATE",
    "Article",
    "ArticleState",
    "AuditEntry",
    "EditorialPolicy",
    "PolicyVersion",
    "PublicStage",
    "Reference",
    "Revision",
]


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
def _round_has_required_reviews(article: "Article") -> bool:
    return not _review_shortfall_problems(article)


@_condition("Not enough valid Advisory Board sign-offs yet for the policy's quorum.")
def _board_quorum_reached(article: "Article") -> bool:
    return article.valid_signoff_count() >= EditorialPolicy.current().board_quorum


SUBMIT_CONDITIONS = [
    _has_open_draft,
    _draft_has_title,
    _draft_has_body,
    _draft_has_reference,
    _draft_citations_intact,
]


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ArticleQuerySet":
        """Articles the person may open in the editorial desk."""
        if not user.is_authenticated:
            return self.none()
        allowed = Q(authors=user)
        if is_editor(user):
            # Never-submitted work stays private, also after it is withdrawn.
            allowed |= ~Q(state=ArticleState.DRAFT) & ~Q(
                state=ArticleState.WITHDRAWN, submitted_at__isnull=True
            )
        if is_board_member(user):
            allowed |= Q(state__in=[ArticleState.BOARD_REVIEW, ArticleState.APPROVED])
        return self.filter(pk__in=self.filter(allowed).values("pk"))

    def handleable_by(self, user) -> "ArticleQuerySet":
        """Articles the person may handle as their editor: the query form of
        `rules.is_handling_editor`."""
        if not is_editor(user):
            return self.none()
        return self.exclude(authors=user)

    def handled_by(self, user) -> "ArticleQuerySet":
        """Articles the person has acted on as editor: the query form of
        `rules.has_handled`."""
        return self.filter(
            pk__in=AuditEntry.objects.editor_acts().filter(actor=user).values("article")
        )

    def readable_as_board_by(self, user) -> "ArticleQuerySet":
        """Articles the person reads as a board member: the query form of
        `rules.reads_as_board`."""
        if not is_board_member(user):
            return self.none()
        return self.exclude(authors=user)

    def in_board_review_for(self, user) -> "ArticleQuerySet":
        """Articles waiting for the board that the person reads as a member."""
        return self.readable_as_board_by(user).filter(state=ArticleState.BOARD_REVIEW)

    def signable_by(self, user) -> "ArticleQuerySet":
        """Articles for which the person is an independent board member, in
        any state: the query form of `rules.is_independent_board_member`
        (`rules.board_independence_problem` says why not)."""
        return (
            self.readable_as_board_by(user)
            .exclude(board_recusals__member=user)
            .exclude(
                pk__in=Article.objects.filter(
                    review_rounds__assignments__reviewer=user,
                    review_rounds__assignments__has_conflict=True,
                ).values("pk")
            )
            .exclude(pk__in=Article.objects.handled_by(user).values("pk"))
            .exclude(
                pk__in=Article.objects.filter(
                    review_rounds__assignments__reviewer=user,
                    review_rounds__assignments__status=REVIEW_SUBMITTED,
                ).values("pk")
            )
        )

    def with_desk_details(self) -> "ArticleQuerySet":
        return self.select_related("current_revision", "published_revision").prefetch_related(
            "authors"
        )

    def create_with_unique_slug(self, *, title: str, **fields) -> "Article":
        """A new article under the first free slug for its title. Two people
        starting articles with one title at once both find the same slug
        free, and the second insert breaks the unique index: that one tries
        the next free slug, in a savepoint so the caller's transaction goes
        on."""
        for _ in range(SLUG_ATTEMPTS):
            slug = unique_slug_for(title)
            try:
                with transaction.atomic():
                    return self.create(title=title, slug=slug, **fields)
            except IntegrityError:
                if not self.filter(slug=slug).exists():
                    raise  # not the slug: some other rule was broken
        raise ArticleChanged(
            "Several articles with this title were started at the same moment. "
            "Save again: nothing you typed is lost."
        )


class Article(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(
        max_length=300,
        help_text="The reader's question, e.g. “Can drug X cause symptom Y?”",
        validators=[refuse_control_characters_and_line_breaks],
    )
    slug = models.SlugField(max_length=120, unique=True)
    primary_audience = models.CharField(
        max_length=20, choices=AudienceLevel.choices, default=AudienceLevel.PATIENT
    )
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="authored_articles")
    state = FSMField(
        default=ArticleState.DRAFT, choices=ArticleState.choices, protected=True, db_index=True
    )
    current_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When each public stage was reached in the cycle the tracker shows.
    submitted_at = models.DateTimeField(null=True, blank=True)
    under_review_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the article was first approved: the public page's "published" date
    # whatever later updates did (stored so the page needs no aggregate).
    first_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    # Set by `manage.py open_due_reviews` when the periodic re-review falls due;
    # cleared by the next approval.
    rereview_due_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # The home page: newest approvals first, one page at a time.
            models.Index(fields=["-approved_at", "-id"], name="article_newest_approved"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:workspace", args=[self.pk])

    # -- reading ----------------------------------------------------------

    @cached_property
    def author_ids(self) -> frozenset[int]:
        return frozenset(author.pk for author in self.authors.all())

    def has_author(self, user) -> bool:
        """Whether `user` is on the author list (what authors may do is
        articles/rules.py's `is_author_of`)."""
        return user.pk in self.author_ids

    def current_round(self):
        """The article's latest review round (`reviews.ReviewRound`), or None."""
        return self.review_rounds.order_by("-number").first()

    @property
    def public_stage(self) -> PublicStage | None:
        return PUBLIC_STAGE_OF_STATE.get(self.state)

    @property
    def last_reviewed(self) -> datetime | None:
        """When the Advisory Board last approved the published text."""
        return self.approved_at if self.published_revision_id else None

    @property
    def is_review_overdue(self) -> bool:
        return self.rereview_due_since is not None

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def tracker_steps(self) -> list["TrackerStep"]:
        current = self.public_stage
        order = list(PublicStage)
        reached_index = order.index(current) if current else -1
        dates = [self.submitted_at, self.under_review_at, self.approved_at]
        return [
            TrackerStep(
                label=stage.label,
                reached_at=dates[index] if index <= reached_index else None,
                is_done=index < reached_index,
                is_current=index == reached_index,
            )
            for index, stage in enumerate(order)
        ]

    def latest_decision(self) -> "AuditEntry | None":
        """The editor's most recent request for changes (the decision letter)."""
        return (
            self.audit_entries.filter(action="request_changes")
            .select_related("actor")
            .order_by("created_at", "pk")
            .last()
        )

    def author_status(self, today: date | None = None) -> "AuthorStatus":
        """Where the article stands, in an author's words, and what (if
        anything) the author should do next."""
        today = today or timezone.localdate()
        draft_open = self.current_revision is not None and not self.current_revision.is_frozen
        state = self.state
        if state == ArticleState.DRAFT:
            return AuthorStatus("Draft — not submitted yet", "Finish and submit", "edit", True)
        if state == ArticleState.CHANGES_REQUESTED:
            if draft_open:
                return AuthorStatus(
                    f"Changes requested — revision {self.current_revision.number} in progress",
                    "Resubmit",
                    "workspace",
                    True,
                )
            return AuthorStatus(
                "Changes requested — your turn", "Revise and resubmit", "edit", True
            )
        if state == ArticleState.APPROVED:
            if draft_open:
                return AuthorStatus(
                    "Published — an update is in draft", "Submit the update", "workspace", True
                )
            if self.next_review_due and (self.next_review_due - today).days <= 30:
                return AuthorStatus(
                    f"Published — periodic review due {self.next_review_due:%-d %b %Y}",
                    "Start the update",
                    "edit",
                    True,
                )
            return AuthorStatus("Published", None, None, False)
        waiting = {
            ArticleState.SUBMITTED: "Waiting for an editor",
            ArticleState.UNDER_REVIEW: "Waiting for reviewers",
            ArticleState.BOARD_REVIEW: "With the Medical Advisory Board",
            ArticleState.REJECTED: "Not accepted",
            ArticleState.WITHDRAWN: "Withdrawn",
        }
        return AuthorStatus(waiting[state], None, None, False)

    def revision_status(self, revision: "Revision", last_action: str = "") -> str:
        """A revision's standing in words. `last_action` is the latest workflow
        action recorded on it, which tells a declined update from a live one."""
        if revision.pk == self.published_revision_id:
            return "Published"
        if not revision.is_frozen:
            return "Draft"
        if revision.approved_at is not None:
            return "Previously published"
        if last_action in {"reject", "desk_reject"}:
            return "Not accepted"
        if last_action == "withdraw":
            return "Withdrawn"
        if revision.pk == self.current_revision_id and self.state not in (
            ArticleState.APPROVED,
            ArticleState.REJECTED,
            ArticleState.WITHDRAWN,
        ):
            return self.get_state_display()
        return "Superseded"

    def visible_revisions_for(self, user):
        """Every revision for its authors; only submitted ones for anyone else
        (an author's open draft is private until submitted)."""
        return self.revisions.visible_to(user)

    def public_tracker_steps(self, shown: "Revision") -> list["TrackerStep"]:
        """The tracker for the revision readers see. While an update of a
        published article is in review, readers still see the approved text,
        so its tracker stays on Approved with that revision's dates."""
        if shown.pk != self.published_revision_id or self.state == ArticleState.APPROVED:
            return self.tracker_steps()
        dates = [shown.submitted_at, shown.review_started_at, shown.approved_at]
        return [
            TrackerStep(label=stage.label, reached_at=dates[i], is_done=i < 2, is_current=i == 2)
            for i, stage in enumerate(PublicStage)
        ]

    def valid_signoff_count(self) -> int:
        revision = self.current_revision
        if revision is None:
            return 0
        return revision.signoffs.valid_for(revision).count()

    # -- the workflow -----------------------------------------------------
    # Transition bodies only record dates and freeze content; `fire` wraps
    # every call with the lock, the checks and the audit entry. Who may fire
    # each one (`permission=`) is a rule of articles/rules.py.

    @transition(
        field=state,
        source=[ArticleState.DRAFT, ArticleState.APPROVED],
        target=ArticleState.SUBMITTED,
        permission=AUTHORS,
        conditions=SUBMIT_CONDITIONS,
        custom={"label": "Submit for review", "style": "primary"},
    )
    def submit(self):
        """An author sends the open draft to the editors; the draft is frozen."""
        self.current_revision.freeze()
        self._show_submitted_title()
        self.submitted_at = self.current_revision.submitted_at
        self.under_review_at = None

    @transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=ArticleState.UNDER_REVIEW,
        permission=HANDLING_EDITOR,
        # Review starts by inviting reviewers: the panel links to that page.
        custom={"label": "Invite reviewers", "style": "primary", "link": "reviews:invite"},
    )
    def start_review(self):
        """An editor opens the first review round."""
        now = timezone.now()
        self.under_review_at = now
        self.current_revision.mark_review_started(now)

    @transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=RETURN_VALUE(ArticleState.REJECTED, ArticleState.APPROVED),
        permission=HANDLING_EDITOR,
        custom={"label": "Reject without review", "style": "danger", "comment_required": True},
    )
    def desk_reject(self):
        """An editor declines a submission before review. A new revision of a
        published article is declined, and the published one stays live."""
        return self._decline_pending_revision()

    @transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.CHANGES_REQUESTED,
        permission=DECIDING_EDITOR,
        conditions=[_round_has_required_reviews],
        custom={"label": "Request changes", "style": "warning", "comment_required": True},
    )
    def request_changes(self):
        """An editor closes the round and asks the authors for a new revision."""

    @transition(
        field=state,
        source=ArticleState.CHANGES_REQUESTED,
        target=ArticleState.UNDER_REVIEW,
        permission=AUTHORS,
        conditions=SUBMIT_CONDITIONS,
        custom={"label": "Resubmit revised draft", "style": "primary"},
    )
    def resubmit(self):
        """An author answers a change request with a new, frozen revision (a new round)."""
        self.current_revision.freeze()
        self._show_submitted_title()
        self.current_revision.mark_review_started(self.current_revision.submitted_at)

    @transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.BOARD_REVIEW,
        permission=DECIDING_EDITOR,
        conditions=[_round_has_required_reviews],
        custom={"label": "Send to Advisory Board", "style": "success"},
    )
    def send_to_board(self):
        """An editor accepts the reviewed revision and asks the board to sign it."""

    @transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=RETURN_VALUE(ArticleState.REJECTED, ArticleState.APPROVED),
        permission=DECIDING_EDITOR,
        conditions=[_round_has_required_reviews],
        custom={"label": "Reject", "style": "danger", "comment_required": True},
    )
    def reject(self):
        """An editor rejects after review (a published article stays live)."""
        return self._decline_pending_revision()

    @transition(
        field=state,
        source=ArticleState.BOARD_REVIEW,
        target=ArticleState.UNDER_REVIEW,
        permission=INDEPENDENT_BOARD_MEMBER,
        custom={"label": "Return to editor", "style": "warning", "comment_required": True},
    )
    def return_to_editor(self):
        """A board member sends the revision back to the editor with a reason."""

    @transition(
        field=state,
        source=ArticleState.BOARD_REVIEW,
        target=ArticleState.APPROVED,
        permission=INDEPENDENT_BOARD_MEMBER,
        conditions=[_board_quorum_reached],
        custom={"label": "Approve for publication", "style": "success"},
    )
    def approve(self):
        """Publishes the signed revision. Normally fired by the sign-off that
        reaches the quorum; available by hand only if the quorum is already met
        (for example after the policy lowered it)."""
        now = timezone.now()
        revision = self.current_revision
        revision.mark_approved(now)
        self.published_revision = revision
        self.title = revision.title
        self.primary_audience = revision.primary_audience
        self.approved_at = now
        self.first_approved_at = self.first_approved_at or now
        self.rereview_due_since = None
        self.next_review_due = add_months(
            timezone.localdate(now), EditorialPolicy.current().rereview_interval_months
        )

    @transition(
        field=state,
        source=[
            ArticleState.DRAFT,
            ArticleState.SUBMITTED,
            ArticleState.UNDER_REVIEW,
            ArticleState.CHANGES_REQUESTED,
            ArticleState.BOARD_REVIEW,
        ],
        target=RETURN_VALUE(ArticleState.WITHDRAWN, ArticleState.APPROVED),
        permission=AUTHORS,
        custom={"label": "Withdraw", "style": "outline-danger"},
    )
    def withdraw(self):
        """An author pulls the article (or a pending new revision of a published
        one) out of the process at any time before approval."""
        return self._decline_pending_revision(ending=ArticleState.WITHDRAWN)

    def _show_submitted_title(self) -> None:
        # Never-published work is listed publicly under its submitted title.
        if self.published_revision_id is None:
            self.title = self.current_revision.title
            self.primary_audience = self.current_revision.primary_audience

    def _decline_pending_revision(self, ending=ArticleState.REJECTED):
        if self.published_revision is None:
            return ending
        published = self.published_revision
        self.submitted_at = published.submitted_at
        self.under_review_at = published.review_started_at
        self.approved_at = published.approved_at
        return ArticleState.APPROVED

    # -- firing transitions ----------------------------------------------

    @classmethod
    def transition_methods(cls) -> dict[str, Callable]:
        """Every workflow action's method, by name."""
        return {name: getattr(cls, name) for name in _transitions_of(cls)}

    @classmethod
    def transition_spec(cls, name: str) -> Transition:
        """The action's declaration: its permission, conditions and labels."""
        return _transitions_of(cls)[name]

    def available_transitions_for(self, user) -> list[Transition]:
        """Exactly the transitions this person may fire now, from the FSM."""
        return list(self.get_available_user_state_transitions(user))

    def unmet_conditions(self, name: str) -> list[str]:
        problems = []
        for check in self.transition_spec(name).conditions:
            if not check(self):
                explain = getattr(check, "explain", None)
                problems.extend(explain(self) if explain else [check.failure_message])
        return problems

    def fire(self, name: str, *, by, comment: str = "", seen_state: str | None = None):
        """Run transition `name` for `by`, in one transaction with its audit entry.

        Raises PermissionDenied (wrong person), ArticleChanged (someone moved
        the article since `seen_state`), TransitionRefused (not possible from
        this state, or its conditions fail) and ValidationError (a required
        comment is missing). Returns the fresh, saved article.
        """
        if name not in self.transition_methods():
            raise TransitionRefused([f"“{name}” is not a workflow action."])
        spec = self.transition_spec(name)
        comment = comment.strip()
        with transaction.atomic():
            # The row lock makes a second, simultaneous action wait for this one
            # and then see the new state, so it cannot double-apply.
            article = Article.objects.select_for_update().get(pk=self.pk)
            label = spec.custom.get("label", name)
            if not spec.has_perm(article, by):
                raise PermissionDenied(transition_refusal(spec.permission, label, by, article))
            if seen_state is not None and article.state != seen_state:
                raise ArticleChanged(
                    f"This article was changed by someone else (it is now "
                    f"“{article.get_state_display()}”). Reload the page and check "
                    f"before you act again."
                )
            method = getattr(article, name)
            if not can_proceed(method, check_conditions=False):
                raise TransitionRefused(
                    [
                        f"“{label}” is not possible while the article is "
                        f"“{article.get_state_display()}”."
                    ]
                )
            if problems := article.unmet_conditions(name):
                raise TransitionRefused(problems)
            if spec.custom.get("comment_required") and not comment:
                raise ValidationError({"comment": f"Please say why (“{label}” needs a comment)."})
            from_state = article.state
            method()
            try:
                article.save()
            except ConcurrentTransition as exc:
                raise ArticleChanged(
                    "This article was changed by someone else. Reload the page and try again."
                ) from exc
            entry = AuditEntry.objects.create(
                article=article,
                revision=article.current_revision,
                actor=by,
                action=name,
                from_state=from_state,
                to_state=article.state,
                comment=comment,
            )
            article_transitioned.send(
                sender=Article, article=article, name=name, actor=by, comment=comment, entry=entry
            )
        return article


@functools.cache
def _transitions_of(model) -> dict[str, Transition]:
    # An action declared from several states has one Transition for each,
    # all with the same permission, conditions and labels.
    found = {}
    for spec in model._meta.get_field("state").get_all_transitions(model):
        found.setdefault(spec.name, spec)
    return found


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


# ---------------------------------------------------------------------------
# Revisions: content is immutable once submitted.


# Audience versions are optional; the main summary and body are the
# healthcare-professional text every other level falls back to.
AUDIENCE_FIELDS = ("patient_summary", "patient_body", "student_summary", "student_body")
CONTENT_FIELDS = ("title", "summary", "body", *AUDIENCE_FIELDS)
# Frozen with the content, but not part of what readers see or signers sign.
SUBMISSION_FIELDS = ("change_summary", "response_letter")
FROZEN_FIELDS = (*CONTENT_FIELDS, *SUBMISSION_FIELDS, "content_hash")


class RevisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RevisionQuerySet":
        """Revisions the person may open in the desk: of articles they may
        open, and only submitted ones unless they wrote the article."""
        if not user.is_authenticated:
            return self.none()
        authored = Article.objects.filter(authors=user).values("pk")
        return self.filter(article__in=Article.objects.visible_to(user)).filter(
            Q(submitted_at__isnull=False) | Q(article__in=authored)
        )

    def update(self, **kwargs):
        if set(kwargs) & set(FROZEN_FIELDS) and self.filter(submitted_at__isnull=False).exists():
            raise FrozenRevisionError("Submitted revisions cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(submitted_at__isnull=False).exists():
            raise FrozenRevisionError("Submitted revisions cannot be deleted.")
        return super().delete()


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300, validators=[refuse_control_characters_and_line_breaks])
    summary = models.TextField(
        blank=True,
        max_length=3000,
        help_text="The answer first, in two or three sentences.",
        validators=[refuse_control_characters],
    )
    body = models.TextField(
        blank=True,
        max_length=200_000,
        help_text="Markdown.",
        validators=[refuse_control_characters],
    )
    primary_audience = models.CharField(
        max_length=20, choices=AudienceLevel.choices, default=AudienceLevel.PATIENT
    )
    patient_summary = models.TextField(
        "summary for patients and caregivers",
        blank=True,
        max_length=3000,
        validators=[refuse_control_characters],
    )
    patient_body = models.TextField(
        "body for patients and caregivers",
        blank=True,
        max_length=200_000,
        validators=[refuse_control_characters],
    )
    student_summary = models.TextField(
        "summary for students", blank=True, max_length=3000, validators=[refuse_control_characters]
    )
    student_body = models.TextField(
        "body for students", blank=True, max_length=200_000, validators=[refuse_control_characters]
    )
    change_summary = models.CharField(
        "what changed and why",
        max_length=500,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    response_letter = models.TextField(
        "response to the reviewers",
        blank=True,
        max_length=20_000,
        help_text="How this revision answers the editor's decision and the reviewers' comments.",
        validators=[refuse_control_characters],
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article.title} — revision {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None

    @cached_property
    def rendered(self):
        """Summary and body as readers see them, under an h1 title (uses
        prefetched references if present)."""
        return render_text(self.summary, self.body, len(self.references.all()))

    @cached_property
    def rendered_nested(self):
        """The same, for pages where the article sits under an h2."""
        count = len(self.references.all())
        return render_text(self.summary, self.body, count, heading_offset=1)

    def changes_since(self, earlier: "Revision") -> RevisionDiff:
        """What changed from `earlier` to this revision, references included
        (uses prefetched references if present)."""
        return diff_revisions(
            earlier, self, list(earlier.references.all()), list(self.references.all())
        )

    def audience_versions(self, reference_count: int | None = None) -> list[dict]:
        """The patient and student versions the author wrote, rendered, for
        the people who review and sign them."""
        count = len(self.references.all()) if reference_count is None else reference_count
        versions = []
        for level in (AudienceLevel.PATIENT, AudienceLevel.STUDENT):
            summary, body, own = self.text_for(level)
            if own:
                text = render_text(summary, body, count, id_prefix=f"{level}-", heading_offset=1)
                versions.append(
                    {
                        "level": level.value,
                        "label": level.label,
                        "summary": text.summary,
                        "body": text.body,
                    }
                )
        return versions

    def text_for(self, audience: str) -> tuple[str, str, bool]:
        """(summary, body, is_own_version) for an audience level; levels
        without their own body fall back to the professional text."""
        body = getattr(self, f"{audience}_body", "") if audience != "professional" else ""
        if not body.strip():
            return self.summary, self.body, audience == "professional"
        summary = getattr(self, f"{audience}_summary", "") or self.summary
        return summary, body, True

    @property
    def all_bodies(self) -> str:
        """Every body version, for checks that cover all of them (citations)."""
        return "\n\n".join(b for b in (self.body, self.patient_body, self.student_body) if b)

    def compute_content_hash(self, references: Sequence["Reference"] | None = None) -> str:
        """SHA-256 over everything a reviewer or signer judges: title, summary,
        body and the ordered references (pass them when already loaded)."""
        if references is None:
            references = self.references.all() if self.pk else []
        references = [ref.as_hashable() for ref in references]
        payload = {name: getattr(self, name) for name in ("title", "summary", "body")}
        # Audience versions join the hash only when written, so revisions
        # signed before they existed keep the same fingerprint.
        payload.update(
            {name: getattr(self, name) for name in AUDIENCE_FIELDS if getattr(self, name)}
        )
        payload["references"] = references
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk:
            stored = (
                Revision.objects.filter(pk=self.pk).values("submitted_at", *FROZEN_FIELDS).first()
            )
            if (
                stored
                and stored["submitted_at"] is not None
                and any(stored[name] != getattr(self, name) for name in FROZEN_FIELDS)
            ):
                raise FrozenRevisionError(
                    f"Revision {self.number} was submitted and cannot change; edit the "
                    f"article to start a new revision."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            self.is_frozen
            or Revision.objects.filter(pk=self.pk, submitted_at__isnull=False).exists()
        ):
            raise FrozenRevisionError("Submitted revisions cannot be deleted.")
        return super().delete(*args, **kwargs)

    def refresh_hash(self) -> None:
        if self.is_frozen:
            raise FrozenRevisionError("Submitted revisions cannot change.")
        self.content_hash = self.compute_content_hash()
        super().save(update_fields=["content_hash", "updated_at"])

    def freeze(self) -> None:
        self.content_hash = self.compute_content_hash()
        self.submitted_at = timezone.now()
        # Straight to the database: save() would refuse once submitted_at is set.
        super().save(update_fields=["content_hash", "submitted_at"])

    def mark_review_started(self, when: datetime) -> None:
        if self.review_started_at is None:
            self.review_started_at = when
            super().save(update_fields=["review_started_at"])

    def mark_approved(self, when: datetime) -> None:
        self.approved_at = when
        super().save(update_fields=["approved_at"])


class ReferenceQuerySet(models.QuerySet):
    def _touches_frozen(self) -> bool:
        return self.filter(revision__submitted_at__isnull=False).exists()

    def update(self, **kwargs):
        if self._touches_frozen():
            raise FrozenRevisionError("References of a submitted revision cannot change.")
        return super().update(**kwargs)

    def delete(self):
        if self._touches_frozen():
            raise FrozenRevisionError("References of a submitted revision cannot be deleted.")
        return super().delete()


class Reference(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    authors = models.CharField(
        max_length=500, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    title = models.CharField(max_length=500, validators=[refuse_control_characters_and_line_breaks])
    journal = models.CharField(
        "journal or publisher",
        max_length=300,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    pmid = models.CharField(
        "PMID", max_length=20, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    doi = models.CharField(
        "DOI", max_length=200, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    # Checked (http/https) by the citation integrity check, so a draft can be
    # saved with a typo and fixed later.
    url = models.CharField(
        "URL", max_length=500, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["revision_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="unique_reference_position"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.title}"

    @property
    def authors_text(self) -> str:
        return self.authors.rstrip(". ")

    @property
    def http_url(self) -> str:
        """The URL only if it is safe to link (http or https)."""
        parts = urlsplit(self.url)
        return self.url if parts.scheme in {"http", "https"} and parts.netloc else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid.isdigit() else ""

    @property
    def doi_url(self) -> str:
        return (
            f"https://doi.org/{quote(self.doi, safe='/:()')}" if self.doi.startswith("10.") else ""
        )

    def as_hashable(self) -> list:
        return [
            self.position,
            self.authors,
            self.title,
            self.journal,
            self.year,
            self.pmid,
            self.doi,
            self.url,
        ]

    def _check_revision_open(self) -> None:
        if Revision.objects.filter(pk=self.revision_id, submitted_at__isnull=False).exists():
            raise FrozenRevisionError("References of a submitted revision cannot change.")

    def save(self, *args, **kwargs):
        self._check_revision_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_revision_open()
        return super().delete(*args, **kwargs)


# ---------------------------------------------------------------------------
# The audit trail: append-only.


def review_records_hidden_from(user, *, article_path: str = "article") -> Q:
    """Matches the records (reached through `article_path`) of articles
    `user` wrote, for `.exclude()` on review records: their authors never
    see who reviewed them. The query form of `rules.review_records_hidden`."""
    return Q(**{f"{article_path}__in": Article.objects.filter(authors=user).values("pk")})


# Peer-review steps that would tell authors who reviewed them, what each
# reviewer recommended and which competing interests were declared (by
# reviewers, or by board members stepping aside); authors see the workflow
# transitions instead.
REVIEWER_PRIVATE_ACTIONS = frozenset(
    {
        "reviewers_invited",
        "review_accepted",
        "review_declined",
        "review_submitted",
        "conflict_kept",
        "reviewer_replaced",
        "board_recused",
    }
)


# The review-side acts (reviews/services.py) that only the handling editor
# performs; with the editor's transitions they make up EDITOR_ACTIONS.
EDITOR_REVIEW_ACTIONS = frozenset(
    {
        "reviewers_invited",
        "conflict_kept",
        "reviewer_replaced",
        "round_closed",
        "fewer_reviews_accepted",
    }
)
EDITOR_ACTIONS = EDITOR_REVIEW_ACTIONS | {
    name
    for name in Article.transition_methods()
    if Article.transition_spec(name).permission is HANDLING_EDITOR
}


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def editor_acts(self) -> "AuditEntryQuerySet":
        """Entries that show their actor handled the article as its editor."""
        return self.filter(action__in=EDITOR_ACTIONS)

    def visible_to(self, user) -> "AuditEntryQuerySet":
        """Entries of articles the person may open in the desk, without the
        review steps of articles they wrote."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(article__in=Article.objects.visible_to(user)).exclude(
            Q(action__in=REVIEWER_PRIVATE_ACTIONS) & review_records_hidden_from(user)
        )


class AuditEntry(AppendOnlyModel):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="audit_entries")
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_state = models.CharField(max_length=20, choices=ArticleState.choices)
    to_state = models.CharField(max_length=20, choices=ArticleState.choices)
    comment = models.TextField(blank=True, max_length=5000, validators=[refuse_control_characters])
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.action}"

    @classmethod
    def note(cls, article: "Article", actor, action: str, comment: str, revision=None):
        """Record an event that does not change the article's state (a review
        step, a signature, a reader message handled)."""
        return cls.objects.create(
            article=article,
            revision=revision or article.current_revision,
            actor=actor,
            action=action,
            from_state=article.state,
            to_state=article.state,
            comment=comment,
        )

    @property
    def action_label(self) -> str:
        if self.action in Article.transition_methods():
            return Article.transition_spec(self.action).custom.get("label", self.action)
        return self.action.replace("_", " ").capitalize()


# Each failed attempt means someone else took that slug a moment before;
# ten in a row is not people writing articles, so stop and say so.
SLUG_ATTEMPTS = 10


def unique_slug_for(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "article"
    slug, counter = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


# ---------------------------------------------------------------------------
# Glossary and reader questions


class GlossaryTerm(models.Model):
    """A term explained in plain words on the patient-level page."""

    term = models.CharField(
        max_length=100, unique=True, validators=[refuse_control_characters_and_line_breaks]
    )
    explanation = models.CharField(
        "plain explanation", max_length=300, validators=[refuse_control_characters_and_line_breaks]
    )
    synonyms = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other spellings or forms, separated by commas.",
        validators=[refuse_control_characters_and_line_breaks],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def forms(self) -> list[str]:
        return [self.term, *(s.strip() for s in self.synonyms.split(",") if s.strip())]


class ReaderQuestion(models.Model):
    """A follow-up question or error report from a reader, for the editors."""

    class Kind(models.TextChoices):
        QUESTION = "question", "A follow-up question"
        ERROR = "error", "Report an error in the article"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="reader_questions")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    audience = models.CharField(max_length=20, choices=AudienceLevel.choices)
    question = models.TextField(max_length=2000, validators=[refuse_control_characters])
    email = models.EmailField(blank=True, validators=[refuse_control_characters_and_line_breaks])
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True, max_length=5000, validators=[refuse_control_characters])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on “{self.article}”"
