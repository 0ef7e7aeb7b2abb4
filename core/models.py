"""What every app builds on: records that are evidence (written once, never
changed). Imports no other app of the project."""

from django.core.exceptions import PermissionDenied
from django.db import models


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
