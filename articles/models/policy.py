from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks
from core.models import AppendOnlyModel

DEFAULT_POLICY_TEXT = """\
## How an article is made

An author answers one question a reader might ask, with a numbered reference
for every claim. An editor checks that it is in scope and invites clinical
reviewers, who declare any competing interests before they start.

## Sign-off by the Medical Advisory Board

When the reviewers and the editor are satisfied, members of our Medical
Advisory Board read the exact text and sign it electronically. Nobody signs
an article they wrote or one where they have a competing interest.

## Corrections and regular re-review

Every approved article is checked again at a set interval, and sooner when a
reader or an expert reports a problem. Changes go through the same review and
sign-off before they replace the approved text.

## Reporting an error

Use the form at the end of any article. Editors read every report and, when
needed, send the article back for review.
"""

# The settings a policy version records, in the order the page lists them.
SETTING_FIELDS = (
    "reviewers_per_round",
    "review_due_days",
    "revision_due_days",
    "board_quorum",
    "rereview_interval_months",
    "public_from",
    "show_overdue_publicly",
    "patient_readability_grade",
    "retraction_brings_review_forward",
    "reference_problems_block",
    "citation_style",
)


class PublicFrom(models.TextChoices):
    """From which point of the workflow readers may open an article that is
    not approved yet (always with a banner saying what has happened)."""

    APPROVAL = "approval", "Only once approved"
    REVIEW = "review", "From when an editor starts review"
    SUBMISSION = "submission", "From submission, before anyone has reviewed it"


class CitationStyle(models.TextChoices):
    """How reference lists are formatted (articles/text/csl.py names the CSL
    style of each)."""

    VANCOUVER = "vancouver", "Vancouver (ICMJE, NLM)"
    AMA = "ama", "AMA (American Medical Association)"


class PolicyChanged(Exception):
    """Someone else saved the policy between page load and this save."""


class EditorialPolicy(models.Model):
    """The settings the workflow reads. There is one row; code asks
    `EditorialPolicy.current()` instead of holding constants."""

    THE_ROW = 1  # its primary key

    reviewers_per_round = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Submitted reviews needed before the editor decides on a round.",
    )
    review_due_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Default days a reviewer has to submit a review.",
    )
    revision_due_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="Days authors have to send a revised draft after the editor asks for changes.",
    )
    board_quorum = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Advisory Board sign-offs that approve a revision for publication.",
    )
    rereview_interval_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Months after approval when an article is due for review again.",
    )
    public_from = models.CharField(
        "readers may see an article",
        max_length=20,
        choices=PublicFrom.choices,
        default=PublicFrom.REVIEW,
        help_text="Before approval, pages carry a banner saying what has happened so far, "
        "are kept out of search engines and are listed apart from approved articles.",
    )
    show_overdue_publicly = models.BooleanField(
        "mark overdue re-reviews publicly",
        default=False,
        help_text="Show “review overdue” on published articles past their re-review date "
        "(they stay published).",
    )
    patient_readability_grade = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(3), MaxValueValidator(16)],
        help_text="Target reading grade for patient-level text.",
    )
    retraction_brings_review_forward = models.BooleanField(
        "bring the re-review forward when a cited study is retracted",
        default=False,
        help_text="When the daily check finds that a study a published article cites was "
        "retracted, its next review becomes due today.",
    )
    reference_problems_block = models.BooleanField(
        "unverified references block submission",
        default=False,
        help_text="When a reference's PMID or DOI does not resolve, or its title, year or first "
        "author differs from PubMed's or Crossref's record, refuse the submission (otherwise "
        "the differences are only listed for the authors, editors and reviewers).",
    )
    citation_style = models.CharField(
        "reference style",
        max_length=20,
        choices=CitationStyle.choices,
        default=CitationStyle.VANCOUVER,
        help_text="How each entry of every reference list is written out, on public pages "
        "and in the desk. The references themselves, as signed, stay the same.",
    )
    text = models.TextField(
        "policy text",
        default=DEFAULT_POLICY_TEXT,
        max_length=50_000,
        help_text="Markdown.",
        validators=[refuse_control_characters],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "editorial policy"
        verbose_name_plural = "editorial policy"

    def __str__(self) -> str:
        return "Editorial policy"

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row, whatever the caller thinks
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "EditorialPolicy":
        policy, created = cls.objects.get_or_create(pk=cls.THE_ROW)
        if created:
            PolicyVersion.record(policy, changed_by=None, note="First version.", changes=[])
        return policy

    def settings_snapshot(self) -> dict:
        return {name: getattr(self, name) for name in SETTING_FIELDS}


class PolicyVersion(AppendOnlyModel):
    """Every saved state of the editorial policy: its text, its settings and
    what changed, by whom and when. Versions are never edited or deleted."""

    number = models.PositiveIntegerField(unique=True)
    text = models.TextField(validators=[refuse_control_characters])
    settings_snapshot = models.JSONField()
    changes = models.JSONField(default=list, help_text="[{field, label, old, new}, ...]")
    note = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Editorial policy, version {self.number}"

    @classmethod
    def record(cls, policy: EditorialPolicy, *, changed_by, note: str, changes: list):
        last = cls.objects.order_by("-number").values_list("number", flat=True).first() or 0
        return cls.objects.create(
            number=last + 1,
            text=policy.text,
            settings_snapshot=policy.settings_snapshot(),
            changes=changes,
            note=note,
            changed_by=changed_by,
        )
