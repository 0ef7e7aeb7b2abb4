from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class EditorialPolicy(models.Model):
    """The settings the workflow reads. There is one row; code asks
    `EditorialPolicy.current()` instead of holding constants."""

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
    public_in_review = models.BooleanField(
        "readers may see work in review",
        default=True,
        help_text="Show submitted articles publicly with a caution banner before approval.",
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
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy
