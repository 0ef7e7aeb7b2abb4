"""Notices editors attach to a published article: corrections, updates and
retractions. Each is a record (append-only) with its audit entry; none
changes the signed text, which only a new revision and new signatures do."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.validators import refuse_control_characters
from core.models import AppendOnlyModel, AppendOnlyQuerySet

from .article import Article
from .revision import Revision


class NoticeKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    RETRACTION = "retraction", "Retraction"


class ArticleNoticeQuerySet(AppendOnlyQuerySet):
    def shown_on_page(self) -> "ArticleNoticeQuerySet":
        """Corrections and updates, newest first, as the article page lists
        them (a retraction has its own place on the page)."""
        return self.exclude(kind=NoticeKind.RETRACTION).order_by("-created_at", "-pk")


class ArticleNotice(AppendOnlyModel):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="notices")
    # The published revision the notice was attached to.
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    reason = models.TextField(
        max_length=2000,
        help_text="Shown to readers at the top of the article: what was wrong or what changed.",
        validators=[refuse_control_characters],
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ArticleNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on “{self.article.title}”, {self.created_at:%Y-%m-%d}"
