from django.db import models
from django.utils import timezone

from .article import Article


class RevisionReminderSent(models.Model):
    """One row per reminder sent to an article's authors about their revised
    draft: per due date and step, so a run repeated (or two at once) never
    sends one twice, and a due date moved by the editor starts its own
    schedule (articles.reminders)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    step = models.CharField(max_length=20)  # "due-soon", "overdue-1", "overdue-2", ...
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "due_date", "step"], name="one_revision_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} reminder about “{self.article}” (due {self.due_date})"
