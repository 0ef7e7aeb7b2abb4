from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from articles.models import AppendOnlyQuerySet

SIGNOFF_MEANING = "I have read this revision and approve it for publication."


class BoardSignoff(models.Model):
    """An Advisory Board member's electronic signature on one exact revision.

    It records the revision's content hash at the moment of signing; it counts
    towards the quorum only while that hash still matches, and it is never
    edited or deleted (a later revision simply is not covered by it)."""

    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.PROTECT, related_name="signoffs"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs"
    )
    meaning = models.CharField(max_length=200, default=SIGNOFF_MEANING)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "signer"], name="one_signoff_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.signer} signed revision {self.revision.number} of “{self.revision.article}”"

    @property
    def is_valid(self) -> bool:
        return self.content_hash == self.revision.content_hash

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("A signature cannot be changed once given.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("A signature cannot be deleted.")
