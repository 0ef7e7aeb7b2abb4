from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import AudienceLevel
from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks

from .article import Article
from .revision import Revision


class ReaderQuestionQuerySet(models.QuerySet):
    def unanswered_for(self, editor) -> "ReaderQuestionQuerySet":
        """Messages waiting for this editor: not handled yet, on articles they
        may handle (messages about an editor's own article go to another)."""
        return self.filter(
            article__in=Article.objects.handleable_by(editor), handled_at__isnull=True
        )


class ReaderQuestion(models.Model):
    """A follow-up question or error report from a reader, for the editors."""

    objects = ReaderQuestionQuerySet.as_manager()

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
