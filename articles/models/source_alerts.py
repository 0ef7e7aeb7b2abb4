"""What the retraction watch found about a study a published revision cites:
a retraction, a correction or an expression of concern, one row per
reference and kind (running the watch again finds the row and changes
nothing). Editors clear a row with a reason; the row stays on record."""

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.utils import formats

from accounts.validators import refuse_control_characters

from .article import Article
from .revision import Reference


class SourceAlertKind(models.TextChoices):
    RETRACTION = "retraction", "Retraction"
    CORRECTION = "correction", "Correction"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"


# Most serious first: the order editors and readers see them in.
SOURCE_ALERT_SEVERITY = {
    SourceAlertKind.RETRACTION: 0,
    SourceAlertKind.EXPRESSION_OF_CONCERN: 1,
    SourceAlertKind.CORRECTION: 2,
}


# Where an alert's notice came from, in words (anything else Crossref names
# as an entry's source is shown as it came).
SOURCE_LABELS = {
    "pubmed": "PubMed",
    "publisher": "Crossref (deposited by the publisher)",
    "retraction-watch": "Crossref (from the Retraction Watch database)",
}


class SourceAlertQuerySet(models.QuerySet):
    def open(self) -> "SourceAlertQuerySet":
        """Alerts no editor has cleared: in the queue, and marked for readers."""
        return self.filter(cleared_at__isnull=True)

    def on_revision(self, revision_id: int) -> "SourceAlertQuerySet":
        return self.filter(reference__revision_id=revision_id)

    def open_for_editor(self, user) -> "SourceAlertQuerySet":
        """Open alerts of articles `user` may handle as their editor."""
        return self.open().filter(article__in=Article.objects.handleable_by(user))

    def with_details(self) -> "SourceAlertQuerySet":
        return self.select_related("article", "reference", "cleared_by")


class SourceAlert(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="source_alerts")
    # A reference of the article's published revision when the watch found it.
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="source_alerts")
    kind = models.CharField(max_length=30, choices=SourceAlertKind.choices)
    # When the journal published the notice, where the source says.
    notice_date = models.DateField(null=True, blank=True)
    # The notice's own DOI (or PMID) where the source names it.
    notice_identifier = models.CharField(max_length=200, blank=True)
    # Who told us: "pubmed" or "crossref", and for Crossref where its entry
    # came from ("publisher", "retraction-watch").
    source = models.CharField(max_length=60)
    found_at = models.DateTimeField(db_index=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clear_reason = models.TextField(
        blank=True, max_length=2000, validators=[refuse_control_characters]
    )

    objects = SourceAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "kind"], name="unique_source_alert")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} of reference {self.reference.position} of “{self.article}”"
        )

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    @property
    def source_label(self) -> str:
        """Who told us, for editors."""
        return SOURCE_LABELS.get(self.source, f"Crossref (from {self.source})")

    @property
    def severity(self) -> int:
        return SOURCE_ALERT_SEVERITY[self.kind]

    @property
    def notice_url(self) -> str:
        """A link to the notice: its DOI, or its PubMed page."""
        if self.notice_identifier.startswith("10."):
            return f"https://doi.org/{quote(self.notice_identifier, safe='/:()')}"
        if self.notice_identifier.isdigit():  # a PubMed notice
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.notice_identifier}/"
        return ""

    def _on(self) -> str:
        if self.notice_date is None:
            return ""
        return f" on {formats.date_format(self.notice_date, 'j F Y')}"

    @property
    def reader_sentence(self) -> str:
        """What readers see under the reference, in our words."""
        on = self._on()
        if self.kind == SourceAlertKind.RETRACTION:
            return f"This study was retracted{on}." if on else "This study has been retracted."
        if self.kind == SourceAlertKind.CORRECTION:
            return (
                f"A correction to this study was published{on}."
                if on
                else "A correction to this study has been published."
            )
        return (
            f"The journal published an expression of concern about this study{on}."
            if on
            else "The journal has published an expression of concern about this study."
        )

    @property
    def editor_sentence(self) -> str:
        """What the queue and the dashboard say."""
        ref = self.reference
        return f"Reference {ref.position} (“{ref.title}”): {self.reader_sentence}"
