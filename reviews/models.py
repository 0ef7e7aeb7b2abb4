from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks
from articles.models import ArticleState, review_records_hidden_from
from articles.text.evidence import grade_line
from core.models import AppendOnlyModel, AppendOnlyQuerySet

SIGNOFF_MEANING = "I have read this revision and approve it for publication."


class ReviewRound(models.Model):
    """One round of peer review of one exact revision. Opened when review
    starts or the authors resubmit; closed by the editor's decision (or early)."""

    class Decision(models.TextChoices):
        CHANGES = "request_changes", "Changes requested"
        BOARD = "send_to_board", "Sent to the Advisory Board"
        REJECT = "reject", "Rejected"
        WITHDRAWN = "withdraw", "Withdrawn by the authors"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="review_rounds"
    )
    number = models.PositiveSmallIntegerField()
    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.PROTECT, related_name="review_rounds"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_letter = models.TextField(blank=True, validators=[refuse_control_characters])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The editor's recorded choice to decide this round with fewer submitted
    # reviews than the policy asks (see reviews.services.round_allow_fewer_reviews).
    fewer_reviews_reason = models.TextField(
        blank=True, max_length=2000, validators=[refuse_control_characters]
    )
    fewer_reviews_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fewer_reviews_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_round_number")
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of “{self.article}”"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def submitted_reviews(self):
        return Review.objects.filter(
            assignment__round=self, status=Review.Status.SUBMITTED
        ).select_related("assignment__reviewer")

    def feedback_for_authors(self) -> list[tuple[str, str]]:
        """Reviewers' comments meant for the authors, labelled "Reviewer 1", …
        so authors do not learn who reviewed. Confidential comments are never
        here."""
        feedback = []
        for index, review in enumerate(self.submitted_reviews(), start=1):
            parts = [review.comments_to_author.strip(), review.grade_questions_text()]
            if any(parts):
                feedback.append((f"Reviewer {index}", "\n\n".join(p for p in parts if p)))
        return feedback

    def missing_reviews(self, required: int, *, excused: bool = True) -> int:
        """How many more submitted reviews the policy's `required` asks for
        before the editor decides: none once the editor has recorded why
        they decide with fewer (unless `excused` is False: the round itself
        closes only when the reviews are in, whatever was recorded)."""
        if excused and self.fewer_reviews_reason:
            return 0
        return max(0, required - self.submitted_reviews().count())

    def undecidable_because(self) -> str:
        """Why the editor cannot decide on this round now (nor record a
        fewer-reviews exception for it), or "" if they can: only the
        article's current round, while it is under review, takes a decision."""
        if self.article.state != ArticleState.UNDER_REVIEW or self.decision:
            return "This round is not waiting for a decision."
        if self.article.current_round().pk != self.pk:
            return "Only the current round can be decided."
        return ""


class AssignmentQuerySet(models.QuerySet):
    def awaiting_work(self):
        """Invited or accepted in an open round, and free to work (not held
        back by a competing interest the editor has yet to decide on)."""
        return self.filter(
            status__in=[ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED],
            round__closed_at__isnull=True,
        ).exclude(has_conflict=True, conflict_choice="")

    def for_reviewer(self, user):
        """The person's own invitations: only the person invited answers one
        or writes its review (`services._locked_assignment` refuses anyone
        else)."""
        return self.filter(reviewer=user).select_related(
            "round__article", "round__revision", "review"
        )


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SUBMITTED = "submitted", "Review submitted"
        REPLACED = "replaced", "Replaced by the editor"
        CANCELLED = "cancelled", "Round closed before the review"

    class ConflictChoice(models.TextChoices):
        KEEP = "keep", "Kept by the editor"
        REPLACE = "replace", "Replaced by the editor"

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(db_index=True)
    message = models.TextField(blank=True, max_length=5000, validators=[refuse_control_characters])
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(
        blank=True, max_length=2000, validators=[refuse_control_characters]
    )
    suggested_reviewer = models.CharField(
        blank=True, max_length=300, validators=[refuse_control_characters_and_line_breaks]
    )
    has_conflict = models.BooleanField(null=True, help_text="Declared on accepting.")
    conflict_details = models.TextField(
        blank=True, max_length=2000, validators=[refuse_control_characters]
    )
    conflict_choice = models.CharField(max_length=10, choices=ConflictChoice.choices, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "invited_at"]
        constraints = [
            # A declined invitation stays on record as its own row; the editor
            # may invite the same person again in the round (a new row).
            models.UniqueConstraint(
                fields=["round", "reviewer"],
                condition=~Q(status="declined"),
                name="one_live_assignment_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.round}"

    @property
    def article(self):
        return self.round.article

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in {self.Status.INVITED, self.Status.ACCEPTED}
            and self.round.is_open
            and self.due_date < today
        )

    @property
    def awaits_conflict_decision(self) -> bool:
        return bool(self.has_conflict) and not self.conflict_choice

    @property
    def may_review(self) -> bool:
        return (
            self.status == self.Status.ACCEPTED
            and self.round.is_open
            and not self.awaits_conflict_decision
        )


class Review(models.Model):
    class Recommendation(models.TextChoices):
        APPROVE = "approve", "Approve as it is"
        MINOR = "minor", "Minor changes"
        MAJOR = "major", "Major changes"
        REJECT = "reject", "Reject"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="review"
    )
    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.PROTECT, related_name="reviews"
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    comments_to_author = models.TextField(
        "comments to the authors",
        blank=True,
        max_length=50_000,
        validators=[refuse_control_characters],
    )
    confidential_comments = models.TextField(
        "confidential comments to the editor",
        blank=True,
        max_length=20_000,
        validators=[refuse_control_characters],
    )
    claims_supported = models.BooleanField(
        "claims are supported by the cited evidence", default=False
    )
    doses_checked = models.BooleanField("doses and numbers are checked", default=False)
    audience_fit = models.BooleanField("the wording fits the stated audience", default=False)
    # Evidence grades (a reference's type of study and GRADE certainty) the
    # reviewer doubts: the references' numbers in the reviewed revision, and
    # why. The authors read both with the comments; so do the editors.
    questioned_grades = models.JSONField("evidence grades you question", default=list, blank=True)
    grade_comments = models.TextField(
        "why you question these grades",
        blank=True,
        max_length=5000,
        validators=[refuse_control_characters],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment__invited_at"]

    def __str__(self) -> str:
        return f"Review by {self.assignment.reviewer} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.pk and Review.objects.filter(pk=self.pk, status=self.Status.SUBMITTED).exists():
            raise PermissionDenied("A submitted review is final and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Reviews are part of the record and cannot be deleted.")

    def grade_questions(self, references=None) -> list[dict]:
        """The references whose evidence grade this review questions, in list
        order: {"number", "title", "grade"} ("grade": "" when none was given).
        `references`: the reviewed revision's, when already loaded."""
        if not self.questioned_grades:
            return []
        if references is None:
            references = self.revision.references.all()
        wanted = set(self.questioned_grades)
        return [
            {
                "number": ref.position,
                "title": ref.title,
                "grade": grade_line(ref.study_type, ref.certainty),
            }
            for ref in references
            if ref.position in wanted
        ]

    def grade_questions_text(self) -> str:
        """The questioned grades and the reviewer's reasons as plain text, for
        the authors (with the comments) and the decision email."""
        questions = self.grade_questions()
        if not questions:
            return ""
        lines = ["Evidence grades questioned:"]
        for q in questions:
            lines.append(
                f"[{q['number']}] “{q['title']}”: {q['grade'] or 'no type of study given'}"
            )
        text = "\n".join(lines)
        if self.grade_comments.strip():
            text += f"\n\nWhy: {self.grade_comments.strip()}"
        return text


class ExtensionRequest(models.Model):
    """A reviewer asks for more time on an accepted review, with a reason;
    an editor grants it (maybe with another date, which becomes the
    assignment's due date) or refuses it. One pending request per
    assignment at a time; decided requests stay as the record."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the editor"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="extension_requests"
    )
    previous_due_date = models.DateField()
    requested_date = models.DateField("new due date")
    reason = models.TextField(max_length=2000, validators=[refuse_control_characters])
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    granted_date = models.DateField(null=True, blank=True)
    editor_note = models.TextField(
        blank=True, max_length=2000, validators=[refuse_control_characters]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment.reviewer} asks until {self.requested_date}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ReminderSent(models.Model):
    """One row per reminder step sent for one due date, so the hourly run
    never repeats one, and a moved due date gets its own reminders."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="reminders"
    )
    due_date = models.DateField()
    step = models.CharField(max_length=20)  # "due-soon", "overdue-1", "overdue-2", ...
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "due_date", "step"], name="one_reminder_per_step_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} reminder to {self.assignment.reviewer}"


def reviewer_candidates(article, *, viewer):
    """People with the Reviewer role who may review this article when
    `viewer` invites them, with their open workload as `viewer` may see it
    (not counting invitations to review the viewer's own articles): the
    query form of `articles.rules.reviewer_refusal`."""
    counted = ~review_records_hidden_from(viewer, article_path="review_assignments__round__article")
    return (
        User.objects.acting_in(Role.REVIEWER)
        .exclude(pk__in=article.authors.values("pk"))
        .exclude(pk=viewer.pk)
        .exclude(pk__in=article.audit_entries.editor_acts().values("actor"))
        .annotate(
            open_assignments=Count(
                "review_assignments",
                filter=counted
                & Q(
                    review_assignments__status__in=[
                        ReviewAssignment.Status.INVITED,
                        ReviewAssignment.Status.ACCEPTED,
                    ],
                    review_assignments__round__closed_at__isnull=True,
                ),
                distinct=True,
            ),
            conflicts_here=Count(
                "review_assignments",
                filter=Q(
                    review_assignments__round__article=article,
                    review_assignments__has_conflict=True,
                ),
                distinct=True,
            ),
        )
        .order_by("display_name", "username")
    )


class BoardRecusal(AppendOnlyModel):
    """A board member's declared competing interest on an article: they step
    aside and may not sign it, return it or approve it."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="board_recusals"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_recusals"
    )
    reason = models.TextField(max_length=2000, validators=[refuse_control_characters])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "member"], name="one_recusal_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} stepped aside from “{self.article}”"


class BoardSignoffQuerySet(AppendOnlyQuerySet):
    def counting(self) -> "BoardSignoffQuerySet":
        """Signatures their signer has not withdrawn (by returning the
        article to the editor or stepping aside)."""
        return self.filter(withdrawal__isnull=True)

    def counting_by(self, signer) -> "BoardSignoffQuerySet":
        """`signer`'s signature that still counts (at most one per revision:
        use it from `revision.signoffs`, or filter by revision)."""
        return self.counting().filter(signer=signer)

    def valid_for(self, revision, content_hash=None) -> "BoardSignoffQuerySet":
        """The signatures that count for `revision`: not withdrawn, and given
        to exactly `content_hash` (by default the revision's stored
        fingerprint; pass one recomputed from the content to verify it).
        Either may be an expression such as OuterRef.
        BoardSignoff.counts_for() says the same of a signature already loaded."""
        if content_hash is None:
            content_hash = revision.content_hash
        return self.counting().filter(revision=revision, content_hash=content_hash)


class BoardSignoff(AppendOnlyModel):
    """An Advisory Board member's electronic signature on one exact revision.

    It records the revision's content hash at the moment of signing, and the
    signer's name and credentials as they were then (what readers are told
    was signed by whom must not change when a profile is edited later). It
    counts towards the quorum only while that hash still matches and the
    signer has not withdrawn it. It is never edited or deleted: a later
    revision simply is not covered by it, and a withdrawal is its own row."""

    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.PROTECT, related_name="signoffs"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs"
    )
    # Copied from the signer's profile, whose fields refuse these already;
    # the validators say that a published "signed by" is one clean line.
    signer_name = models.CharField(
        "signer's name when signing",
        max_length=150,
        validators=[refuse_control_characters_and_line_breaks],
    )
    signer_credentials = models.CharField(
        "signer's credentials when signing",
        max_length=100,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    meaning = models.CharField(max_length=200, default=SIGNOFF_MEANING)
    content_hash = models.CharField(max_length=64)
    # {version name: SHA-256} of each written version the signer confirmed
    # (professional, patient, student: articles/text/fingerprints.py).
    version_fingerprints = models.JSONField(default=dict, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    # A member who withdrew a signature may sign the same revision again when
    # it comes back to the board; the new signature names the one it follows,
    # so each revision has one first signature per member and each withdrawn
    # one at most one successor (the database enforces both).
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    objects = BoardSignoffQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "signer"],
                condition=Q(supersedes__isnull=True),
                name="one_signoff_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer} signed revision {self.revision.number} of “{self.revision.article}”"

    @property
    def name_with_credentials(self) -> str:
        """The signer as they were named when signing."""
        if self.signer_credentials:
            return f"{self.signer_name}, {self.signer_credentials}"
        return self.signer_name

    @property
    def is_withdrawn(self) -> bool:
        return hasattr(self, "withdrawal")

    def counts_for(self, content_hash: str, version_fingerprints: dict | None = None) -> bool:
        """BoardSignoffQuerySet.valid_for() for a signature already in hand;
        given the versions' fingerprints recomputed now, also that every
        version it covers still has the text the signer confirmed."""
        if self.is_withdrawn or self.content_hash != content_hash:
            return False
        return version_fingerprints is None or self.versions_unchanged(version_fingerprints)

    def versions_unchanged(self, version_fingerprints: dict) -> bool:
        """Whether every version this signature covers still has the
        fingerprint it was given (`version_fingerprints`: recomputed now)."""
        return bool(self.version_fingerprints) and all(
            version_fingerprints.get(name) == fingerprint
            for name, fingerprint in self.version_fingerprints.items()
        )

    def covers(self, version: str) -> bool:
        return version in self.version_fingerprints

    @property
    def is_valid(self) -> bool:
        return self.counts_for(self.revision.content_hash)


class SignoffWithdrawal(AppendOnlyModel):
    """A signer takes their signature back: they returned the article to the
    editor or stepped aside. The signature row stays as it was; from this
    row on it no longer counts."""

    class Reason(models.TextChoices):
        RETURNED = "returned", "Returned the article to the editor"
        STEPPED_ASIDE = "stepped_aside", "Stepped aside (competing interest)"

    signoff = models.OneToOneField(
        BoardSignoff, on_delete=models.PROTECT, related_name="withdrawal"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.TextField(max_length=5000, validators=[refuse_control_characters])
    withdrawn_at = models.DateTimeField(default=timezone.now)
    audit_entry = models.OneToOneField(
        "articles.AuditEntry", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["withdrawn_at", "pk"]

    def __str__(self) -> str:
        return f"{self.signoff.signer} withdrew their signature ({self.get_reason_display()})"
