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


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be checked"
    VERIFIED = "verified", "Matches the record"
    MISMATCH = "mismatch", "Differs from the record"
    NOT_FOUND = "not_found", "Identifier does not resolve"
    UNREACHABLE = "unreachable", "Not checked yet: the service could not be reached"


# Outcomes that a later run should try again.
UNSETTLED_CHECK_STATUSES = (CheckStatus.PENDING, CheckStatus.UNREACHABLE)


class ReferenceCheck(models.Model):
    """What the submission check found for one reference of a submitted
    revision. Not frozen with the revision: a check that could not reach
    PubMed or Crossref at submission is run again later and lands here."""

    reference = models.OneToOneField(
        "articles.Reference", on_delete=models.CASCADE, related_name="verification"
    )
    status = models.CharField(
        max_length=20, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    # Sentences for authors, editors and reviewers ("Reference 3: PubMed
    # gives the title “…”; you entered “…”.").
    problems = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=20, blank=True)  # "pubmed" or "crossref"
    attempts = models.PositiveSmallIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="reference_check_status")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.status}"

    @property
    def sentences(self) -> list[str]:
        if self.status in UNSETTLED_CHECK_STATUSES:
            return [
                f"Reference {self.reference.position} has not been checked yet: "
                f"{'PubMed' if self.reference.pmid.strip().isdigit() else 'Crossref'} "
                "could not be reached. It is checked again automatically."
            ]
        return list(self.problems)
