from django.db import models
from django.utils import timezone


class SourceResponse(models.Model):
    """The last answer PubMed or Crossref gave for one request URL (without
    the contact and key parameters), so a lookup repeated within days reuses
    it instead of asking again (articles/sources/http.py)."""

    url = models.CharField(max_length=1000, unique=True)
    status = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.status} {self.url}"
