"""The article: who wrote it, where it stands, and its workflow transitions,
fired only through `Article.fire()`."""

import functools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

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

from accounts.models import AudienceLevel, Role, User
from accounts.rules import is_board_member, is_editor
from accounts.validators import refuse_control_characters_and_line_breaks

from ..rules import (
    AUTHORS,
    DECIDING_EDITOR,
    HANDLING_EDITOR,
    INDEPENDENT_BOARD_MEMBER,
    transition_refusal,
)
from ..signals import article_transitioned
from ..states import (
    ACTIVE_INVITATION_STATUSES,
    EDITABLE_STATES,
    PUBLIC_STAGE_OF_STATE,
    REVIEW_SUBMITTED,
    ArticleState,
    PublicStage,
)
from .policy import EditorialPolicy
from .workflow import (
    SUBMIT_CONDITIONS,
    ArticleChanged,
    AuthorStatus,
    TrackerStep,
    TransitionRefused,
    add_months,
    board_quorum_reached,
    round_has_required_reviews,
)

if TYPE_CHECKING:  # annotations only: these modules import this one
    from .audit import AuditEntry
    from .revision import Revision

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
            pk__in=_audit_entry_model().objects.editor_acts().filter(actor=user).values("article")
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

    def invited_to_review(self, user) -> "ArticleQuerySet":
        """Articles the person holds an invitation to review that they did
        not decline and were not replaced on: the query form of
        `rules.holds_review_invitation`."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            pk__in=Article.objects.filter(
                review_rounds__assignments__reviewer=user,
                review_rounds__assignments__status__in=ACTIVE_INVITATION_STATUSES,
            ).values("pk")
        )

    def with_desk_details(self) -> "ArticleQuerySet":
        return self.select_related(
            "current_revision", "published_revision", "handling_editor"
        ).prefetch_related("authors")

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
    # Set by the periodic `open_due_reviews` task (articles/tasks.py) when the re-review falls due;
    # cleared by the next approval.
    rereview_due_since = models.DateField(null=True, blank=True)
    # When the authors' revised draft is due: set when an editor requests
    # changes (the policy's `revision_due_days`), moved by an editor
    # (articles.services.revision_due_date_change), cleared when the article
    # leaves "changes requested".
    revision_due_date = models.DateField(null=True, blank=True, db_index=True)
    # The editor in charge: set to whoever starts the review when empty, taken
    # over by another editor on the workspace (articles.services.
    # handling_editor_take). When set, only they hear of the article's hand-offs.
    handling_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_in_charge",
        help_text="The editor in charge of this article (empty: every editor hears of it).",
    )
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

    def editors_to_notify(self) -> list[User]:
        """The editors told about this article's hand-offs (submission,
        replies, reviews, resubmission, board returns, reader questions):
        its handling editor when one is set and may still handle it,
        otherwise every active editor who may handle it as its editor (the
        query form of `rules.is_handling_editor`: never one of its authors)."""
        editors = User.objects.acting_in(Role.EDITOR).exclude(authored_articles=self).distinct()
        if self.handling_editor_id is not None and (
            chosen := list(editors.filter(pk=self.handling_editor_id))
        ):
            return chosen
        return list(editors)

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
            due = ""
            if self.revision_due_date:
                due = (
                    f" (overdue since {self.revision_due_date:%-d %b %Y})"
                    if self.revision_due_date < today
                    else f" (due {self.revision_due_date:%-d %b %Y})"
                )
            if draft_open:
                return AuthorStatus(
                    f"Changes requested — revision {self.current_revision.number} in progress"
                    + due,
                    "Resubmit",
                    "workspace",
                    True,
                )
            return AuthorStatus(
                "Changes requested — your turn" + due, "Revise and resubmit", "edit", True
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
            ArticleState.RETRACTED: "Retracted, with a public notice",
        }
        return AuthorStatus(waiting[state], None, None, False)

    def revision_status(self, revision: "Revision", last_action: str = "") -> str:
        """A revision's standing in words. `last_action` is the latest workflow
        action recorded on it, which tells a declined update from a live one."""
        if revision.pk == self.published_revision_id:
            return "Retracted" if self.state == ArticleState.RETRACTED else "Published"
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
        custom={
            "label": "Submit for review",
            "style": "primary",
            "intent": "primary",
            "next": "The editors receive this revision and choose reviewers. You cannot edit "
            "it while it is with them; you are emailed when they decide.",
        },
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
        custom={
            "label": "Invite reviewers",
            "style": "primary",
            "link": "reviews:invite",
            "intent": "primary",
            "next": "Review starts with the first invitation you send: the authors and the "
            "public tracker then show “Under Review”.",
        },
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
        custom={
            "label": "Reject without review",
            "style": "danger",
            "comment_required": True,
            "intent": "destructive",
            "next": "The submission ends here without peer review; the authors receive your "
            "reason and cannot resubmit this article.",
        },
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
        conditions=[round_has_required_reviews],
        custom={
            "label": "Request changes",
            "style": "warning",
            "comment_required": True,
            "intent": "decision",
            "next": "The round closes and the authors get your letter with the reviewers' "
            "comments; their revised draft opens a new round.",
        },
    )
    def request_changes(self):
        """An editor closes the round and asks the authors for a new
        revision, due after the policy's `revision_due_days`."""
        days = EditorialPolicy.current().revision_due_days
        self.revision_due_date = timezone.localdate() + timedelta(days=days)

    @transition(
        field=state,
        source=ArticleState.CHANGES_REQUESTED,
        target=ArticleState.UNDER_REVIEW,
        permission=AUTHORS,
        conditions=SUBMIT_CONDITIONS,
        custom={
            "label": "Resubmit revised draft",
            "style": "primary",
            "intent": "primary",
            "next": "A new review round opens on this revision; the editor usually asks the "
            "same reviewers to look again.",
        },
    )
    def resubmit(self):
        """An author answers a change request with a new, frozen revision (a new round)."""
        self.revision_due_date = None
        self.current_revision.freeze()
        self._show_submitted_title()
        self.current_revision.mark_review_started(self.current_revision.submitted_at)

    @transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.BOARD_REVIEW,
        permission=DECIDING_EDITOR,
        conditions=[round_has_required_reviews],
        custom={
            "label": "Send to Advisory Board",
            "style": "success",
            "intent": "decision",
            "next": "The round closes and the Advisory Board is asked to sign this revision; "
            "it is published once enough members sign.",
        },
    )
    def send_to_board(self):
        """An editor accepts the reviewed revision and asks the board to sign it."""

    @transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=RETURN_VALUE(ArticleState.REJECTED, ArticleState.APPROVED),
        permission=DECIDING_EDITOR,
        conditions=[round_has_required_reviews],
        custom={
            "label": "Reject",
            "style": "danger",
            "comment_required": True,
            "intent": "decision",
            "next": "The round closes and the article leaves the process; the authors get "
            "your letter and cannot resubmit it.",
        },
    )
    def reject(self):
        """An editor rejects after review (a published article stays live)."""
        return self._decline_pending_revision()

    @transition(
        field=state,
        source=ArticleState.BOARD_REVIEW,
        target=ArticleState.UNDER_REVIEW,
        permission=INDEPENDENT_BOARD_MEMBER,
        custom={
            "label": "Return to editor",
            "style": "warning",
            "comment_required": True,
            "intent": "destructive",
            "next": "The article goes back to its editor for another review round; "
            "signatures given so far on this revision stop counting.",
        },
    )
    def return_to_editor(self):
        """A board member sends the revision back to the editor with a reason."""

    @transition(
        field=state,
        source=ArticleState.BOARD_REVIEW,
        target=ArticleState.APPROVED,
        permission=INDEPENDENT_BOARD_MEMBER,
        conditions=[board_quorum_reached],
        custom={
            "label": "Approve for publication",
            "style": "success",
            "intent": "primary",
            "next": "This revision is published at once with the signatures it has.",
        },
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
        source=ArticleState.APPROVED,
        target=ArticleState.RETRACTED,
        permission=HANDLING_EDITOR,
        # The reason is the public notice: the panel links to the notice form
        # (articles.services.article_notice_issue), which fires this.
        custom={
            "label": "Retract",
            "style": "outline-danger",
            "comment_required": True,
            "link": "articles:notice",
            "records_notice": True,
            "intent": "destructive",
            "next": "Readers see your reason above the text, which stays at the same address "
            "marked as retracted.",
        },
    )
    def retract(self):
        """An editor withdraws the published text with a public notice. The
        page keeps its address and shows the reason above the retracted
        text; the published revision and its signatures stay on record."""

    @transition(
        field=state,
        # A never-submitted draft is deleted by its authors instead
        # (articles.services.article_delete_draft): nobody else has seen it.
        source=[
            ArticleState.SUBMITTED,
            ArticleState.UNDER_REVIEW,
            ArticleState.CHANGES_REQUESTED,
            ArticleState.BOARD_REVIEW,
        ],
        target=RETURN_VALUE(ArticleState.WITHDRAWN, ArticleState.APPROVED),
        permission=AUTHORS,
        custom={
            "label": "Withdraw",
            "style": "outline-danger",
            "intent": "destructive",
            "next": "The article leaves the review process for good: editors and reviewers "
            "stop work on it and it cannot be resubmitted. A version already "
            "published stays live.",
        },
    )
    def withdraw(self):
        """An author pulls the article (or a pending new revision of a published
        one) out of the process at any time before approval."""
        self.revision_due_date = None
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
            entry = _audit_entry_model().objects.create(
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


def _audit_entry_model() -> type["AuditEntry"]:
    # AuditEntry's module imports this one, so this one reaches the model
    # through the relation rather than an import back.
    return Article._meta.get_field("audit_entries").related_model


@functools.cache
def _transitions_of(model) -> dict[str, Transition]:
    # An action declared from several states has one Transition for each,
    # all with the same permission, conditions and labels.
    found = {}
    for spec in model._meta.get_field("state").get_all_transitions(model):
        found.setdefault(spec.name, spec)
    return found
