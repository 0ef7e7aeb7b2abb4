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
    """An email on its way out (core.outbox). Written in the transaction of
    the action that causes it, so a rolled-back action leaves none; the
    `deliver_email` task sends it after commit and then deletes it. One the
    mail server refused stays here, with its attempts and last error, until
    the periodic retry (core.tasks) gets it through: a mail outage loses
    nothing. `claimed_until` is a worker's lease on it while sending, so two
    workers (or one task run twice) never send it twice."""

    to = models.JSONField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created by the reviews app, which sent the first emails.
        db_table = "reviews_pendingemail"
        ordering = ["queued_at"]

    def __str__(self) -> str:
        return f"“{self.subject}” to {', '.join(self.to)}"


class PeriodicRun(models.Model):
    """One row per periodic job and time slot (core.periodic): the unique
    pair is what lets any number of schedulers run at once while each job is
    enqueued once per slot."""

    job = models.CharField(max_length=200)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")
        ]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"
