"""What every app builds on: records that are evidence (written once, never
changed) and the email outbox. Imports no other app of the project."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone


def _refusal(model, done: str) -> str:
    return f"{model._meta.verbose_name_plural.capitalize()} are a record and cannot be {done}."


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an AppendOnlyModel are added, never changed or removed, not
    even in bulk. A model's own queryset class must derive from this one."""

    def update(self, **kwargs):
        raise PermissionDenied(_refusal(self.model, "changed"))

    def delete(self):
        raise PermissionDenied(_refusal(self.model, "deleted"))


class AppendOnlyModel(models.Model):
    """A record that is evidence (audit entries, signatures, role and policy
    changes): written once, then never edited or deleted. A correction is a
    new row that says so."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied(_refusal(type(self), "changed"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_refusal(type(self), "deleted"))


class PendingEmail(models.Model):
    """An email the mail server refused; the next notification or reminder
    run sends it again, so a mail outage never loses a message."""

    to = models.JSONField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    failed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        # Created by the reviews app, which sent the first emails.
        db_table = "reviews_pendingemail"
        ordering = ["failed_at"]

    def __str__(self) -> str:
        return f"“{self.subject}” to {', '.join(self.to)}"
