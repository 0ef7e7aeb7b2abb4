"""Revisions and their references: content is immutable once submitted."""

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import AudienceLevel
from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks

from ..text import fingerprints
from ..text.diffs import RevisionDiff, diff_revisions
from ..text.rendering import (
    GlossaryEntry,
    glossary_entries,
    glossary_entry_dict,
    glossary_used,
    render_text,
)
from .article import Article
from .glossary import GlossaryTerm
from .workflow import FrozenRevisionError

# Audience versions are optional; the main summary and body are the
# healthcare-professional text every other level falls back to.
AUDIENCE_FIELDS = ("patient_summary", "patient_body", "student_summary", "student_body")
CONTENT_FIELDS = ("title", "summary", "body", *AUDIENCE_FIELDS)
# Frozen with the content, but not part of what readers see or signers sign.
SUBMISSION_FIELDS = ("change_summary", "response_letter")
# Inside the fingerprints from scheme 2 on (articles/text/fingerprints.py).
SIGNED_EXTRAS = ("statement", "glossary_snapshot", "fingerprint_scheme")
FROZEN_FIELDS = (*CONTENT_FIELDS, *SUBMISSION_FIELDS, *SIGNED_EXTRAS, "content_hash")


class RevisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RevisionQuerySet":
        """Revisions the person may open in the desk: of articles they may
        open, and only submitted ones unless they wrote the article."""
        if not user.is_authenticated:
            return self.none()
        authored = Article.objects.filter(authors=user).values("pk")
        return self.filter(article__in=Article.objects.visible_to(user)).filter(
            Q(submitted_at__isnull=False) | Q(article__in=authored)
        )

    def update(self, **kwargs):
        if set(kwargs) & set(FROZEN_FIELDS) and self.filter(submitted_at__isnull=False).exists():
            raise FrozenRevisionError("Submitted revisions cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(submitted_at__isnull=False).exists():
            raise FrozenRevisionError("Submitted revisions cannot be deleted.")
        return super().delete()


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300, validators=[refuse_control_characters_and_line_breaks])
    summary = models.TextField(
        blank=True,
        max_length=3000,
        help_text="The answer first, in two or three sentences.",
        validators=[refuse_control_characters],
    )
    body = models.TextField(
        blank=True,
        max_length=200_000,
        help_text="Markdown.",
        validators=[refuse_control_characters],
    )
    primary_audience = models.CharField(
        max_length=20, choices=AudienceLevel.choices, default=AudienceLevel.PATIENT
    )
    patient_summary = models.TextField(
        "summary for patients and caregivers",
        blank=True,
        max_length=3000,
        validators=[refuse_control_characters],
    )
    patient_body = models.TextField(
        "body for patients and caregivers",
        blank=True,
        max_length=200_000,
        validators=[refuse_control_characters],
    )
    student_summary = models.TextField(
        "summary for students", blank=True, max_length=3000, validators=[refuse_control_characters]
    )
    student_body = models.TextField(
        "body for students", blank=True, max_length=200_000, validators=[refuse_control_characters]
    )
    change_summary = models.CharField(
        "what changed and why",
        max_length=500,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    response_letter = models.TextField(
        "response to the reviewers",
        blank=True,
        max_length=20_000,
        help_text="How this revision answers the editor's decision and the reviewers' comments.",
        validators=[refuse_control_characters],
    )
    statement = models.TextField(
        "funding and competing interests",
        blank=True,
        max_length=5000,
        help_text="Who paid for this work and any interest an author has in its subject; "
        "shown at the end of the article and signed with it.",
        validators=[refuse_control_characters],
    )
    # The glossary entries the patient version uses, pinned when the revision
    # is submitted: [{"term", "explanation", "forms"}, ...] sorted by term.
    # Pages explain terms from here, never from the live glossary.
    glossary_snapshot = models.JSONField(default=list, blank=True, editable=False)
    # How content_hash and the version fingerprints are computed
    # (articles/text/fingerprints.py); revisions submitted before scheme 2
    # keep scheme 1, so their stored fingerprints keep verifying.
    fingerprint_scheme = models.PositiveSmallIntegerField(
        default=fingerprints.CURRENT_SCHEME, editable=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article.title} — revision {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None

    @cached_property
    def rendered(self):
        """Summary and body as readers see them, under an h1 title (uses
        prefetched references if present)."""
        return render_text(self.summary, self.body, len(self.references.all()))

    @cached_property
    def rendered_nested(self):
        """The same, for pages where the article sits under an h2."""
        count = len(self.references.all())
        return render_text(self.summary, self.body, count, heading_offset=1)

    def changes_since(self, earlier: "Revision", audience: str = "") -> RevisionDiff:
        """What changed from `earlier` to this revision, references included
        (uses prefetched references if present). With `audience`, the two
        texts a reader of that level sees (see `text_for`) are compared;
        without, the main (professional) texts."""
        old, new = earlier, self
        if audience:
            old, new = earlier.as_read_by(audience), self.as_read_by(audience)
        return diff_revisions(old, new, list(earlier.references.all()), list(self.references.all()))

    def as_read_by(self, audience: str) -> SimpleNamespace:
        """The title, summary and body a reader of `audience` reads."""
        summary, body, _own = self.text_for(audience)
        return SimpleNamespace(title=self.title, summary=summary, body=body)

    def audience_versions(self, reference_count: int | None = None) -> list[dict]:
        """The patient and student versions the author wrote, rendered, for
        the people who review and sign them."""
        count = len(self.references.all()) if reference_count is None else reference_count
        versions = []
        for level in (AudienceLevel.PATIENT, AudienceLevel.STUDENT):
            summary, body, own = self.text_for(level)
            if own:
                text = render_text(
                    summary,
                    body,
                    count,
                    glossary=self.glossary_for(level),
                    id_prefix=f"{level}-",
                    heading_offset=1,
                )
                versions.append(
                    {
                        "level": level.value,
                        "label": level.label,
                        "summary": text.summary,
                        "body": text.body,
                    }
                )
        return versions

    def glossary_for(self, audience: str) -> list[GlossaryEntry] | None:
        """The pinned glossary entries a reader of `audience` gets explained:
        only the patient version's own text explains terms (its fingerprint
        covers them); other levels, and patients reading the professional
        text for want of their own, get none."""
        if audience != AudienceLevel.PATIENT or not self.text_for(audience)[2]:
            return None
        return glossary_entries(self.glossary_snapshot) or None

    def pin_glossary(self) -> None:
        """Snapshot the live glossary entries the patient version uses."""
        summary, body, own = self.text_for(AudienceLevel.PATIENT)
        if not own:
            self.glossary_snapshot = []
            return
        live = [
            GlossaryEntry(term=t.term, explanation=t.explanation, forms=tuple(t.forms))
            for t in GlossaryTerm.objects.all()
        ]
        self.glossary_snapshot = [
            glossary_entry_dict(e) for e in glossary_used(live, [summary, body])
        ]

    @property
    def texts(self) -> dict:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def text_for(self, audience: str) -> tuple[str, str, bool]:
        """(summary, body, is_own_version) for an audience level; levels
        without their own body fall back to the professional text."""
        body = getattr(self, f"{audience}_body", "") if audience != "professional" else ""
        if not body.strip():
            return self.summary, self.body, audience == "professional"
        summary = getattr(self, f"{audience}_summary", "") or self.summary
        return summary, body, True

    @property
    def all_bodies(self) -> str:
        """Every body version, for checks that cover all of them (citations)."""
        return "\n\n".join(b for b in (self.body, self.patient_body, self.student_body) if b)

    def _hashable_references(self, references) -> list[list]:
        if references is None:
            references = self.references.all() if self.pk else []
        return [ref.as_hashable(self.fingerprint_scheme) for ref in references]

    def content_payload(self, references: Sequence["Reference"] | None = None) -> dict:
        """What content_hash is the fingerprint of, under this revision's
        scheme (articles/text/fingerprints.py)."""
        return fingerprints.revision_payload(
            scheme=self.fingerprint_scheme,
            texts=self.texts,
            references=self._hashable_references(references),
            glossary=self.glossary_snapshot,
            statement=self.statement,
        )

    def compute_content_hash(self, references: Sequence["Reference"] | None = None) -> str:
        """SHA-256 over everything a reviewer or signer judges: title, the
        texts of every version, the ordered references (from scheme 3 with
        their evidence grades and fetched records) and (scheme 2 on) the
        pinned glossary and the statement (pass references when loaded)."""
        return fingerprints.digest(self.content_payload(references))

    def version_payloads(self, references: Sequence["Reference"] | None = None) -> dict:
        """{version name: the payload its fingerprint is taken of}, for each
        written version."""
        refs = self._hashable_references(references)
        texts = self.texts
        return {
            name: fingerprints.version_payload(
                scheme=self.fingerprint_scheme,
                version=name,
                texts=texts,
                references=refs,
                glossary=self.glossary_snapshot,
                statement=self.statement,
            )
            for name in fingerprints.written_versions(texts)
        }

    def version_fingerprints(self, references: Sequence["Reference"] | None = None) -> dict:
        """{version name: SHA-256} recomputed from the content now."""
        return {
            name: fingerprints.digest(payload)
            for name, payload in self.version_payloads(references).items()
        }

    @property
    def glossary_fingerprint(self) -> str:
        return fingerprints.digest(fingerprints.glossary_payload(self.glossary_snapshot))

    def save(self, *args, **kwargs):
        if self.pk:
            stored = (
                Revision.objects.filter(pk=self.pk).values("submitted_at", *FROZEN_FIELDS).first()
            )
            if (
                stored
                and stored["submitted_at"] is not None
                and any(stored[name] != getattr(self, name) for name in FROZEN_FIELDS)
            ):
                raise FrozenRevisionError(
                    f"Revision {self.number} was submitted and cannot change; edit the "
                    f"article to start a new revision."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            self.is_frozen
            or Revision.objects.filter(pk=self.pk, submitted_at__isnull=False).exists()
        ):
            raise FrozenRevisionError("Submitted revisions cannot be deleted.")
        return super().delete(*args, **kwargs)

    def refresh_hash(self) -> None:
        if self.is_frozen:
            raise FrozenRevisionError("Submitted revisions cannot change.")
        self.fingerprint_scheme = fingerprints.CURRENT_SCHEME
        self.content_hash = self.compute_content_hash()
        super().save(update_fields=["fingerprint_scheme", "content_hash", "updated_at"])

    def freeze(self) -> None:
        """Submit: pin the glossary entries the texts use, fingerprint
        everything under the current scheme, and never change again."""
        self.pin_glossary()
        self.fingerprint_scheme = fingerprints.CURRENT_SCHEME
        self.content_hash = self.compute_content_hash()
        self.submitted_at = timezone.now()
        # Straight to the database: save() would refuse once submitted_at is set.
        fields = ["glossary_snapshot", "fingerprint_scheme", "content_hash", "submitted_at"]
        super().save(update_fields=fields)

    def mark_review_started(self, when: datetime) -> None:
        if self.review_started_at is None:
            self.review_started_at = when
            super().save(update_fields=["review_started_at"])

    def mark_approved(self, when: datetime) -> None:
        self.approved_at = when
        super().save(update_fields=["approved_at"])


class StudyType(models.TextChoices):
    """The design of the study a reference reports (its evidence grade's first half)."""

    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review or meta-analysis"
    RANDOMISED_TRIAL = "randomised_trial", "Randomised controlled trial"
    COHORT = "cohort", "Cohort or other observational study"
    CASE_REPORT = "case_report", "Case report or case series"
    GUIDELINE = "guideline", "Clinical guideline"
    OTHER = "other", "Other (review, textbook, label)"


class Certainty(models.TextChoices):
    """GRADE certainty of the evidence for the claim a reference supports."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


class ReferenceQuerySet(models.QuerySet):
    def _touches_frozen(self) -> bool:
        return self.filter(revision__submitted_at__isnull=False).exists()

    def update(self, **kwargs):
        if self._touches_frozen():
            raise FrozenRevisionError("References of a submitted revision cannot change.")
        return super().update(**kwargs)

    def delete(self):
        if self._touches_frozen():
            raise FrozenRevisionError("References of a submitted revision cannot be deleted.")
        return super().delete()


class Reference(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    authors = models.CharField(
        max_length=500, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    title = models.CharField(max_length=500, validators=[refuse_control_characters_and_line_breaks])
    journal = models.CharField(
        "journal or publisher",
        max_length=300,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    pmid = models.CharField(
        "PMID", max_length=20, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    doi = models.CharField(
        "DOI", max_length=200, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    # Checked (http/https) by the citation integrity check, so a draft can be
    # saved with a typo and fixed later.
    url = models.CharField(
        "URL", max_length=500, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    # The evidence grade: signed with the revision (fingerprint scheme 3).
    study_type = models.CharField(
        "type of study", max_length=30, choices=StudyType.choices, blank=True
    )
    certainty = models.CharField(
        "certainty of the evidence (GRADE)",
        max_length=20,
        choices=Certainty.choices,
        blank=True,
        help_text="Optional: how sure the evidence makes us of the claim this reference supports.",
    )
    # What PubMed or Crossref said the PMID or DOI is, when the author filled
    # or checked the reference: {"source", "authors", "title", "journal",
    # "year"}. Frozen and signed with the revision (scheme 3), so a reader
    # knows which record the signers saw.
    source_record = models.JSONField(default=dict, blank=True, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["revision_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="unique_reference_position"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.title}"

    @property
    def authors_text(self) -> str:
        return self.authors.rstrip(". ")

    @property
    def http_url(self) -> str:
        """The URL only if it is safe to link (http or https)."""
        parts = urlsplit(self.url)
        return self.url if parts.scheme in {"http", "https"} and parts.netloc else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid.isdigit() else ""

    @property
    def doi_url(self) -> str:
        return (
            f"https://doi.org/{quote(self.doi, safe='/:()')}" if self.doi.startswith("10.") else ""
        )

    def as_hashable(self, scheme: int = fingerprints.CURRENT_SCHEME) -> list | dict:
        """This reference inside a fingerprint payload of `scheme`."""
        if scheme < 3:
            return [
                self.position,
                self.authors,
                self.title,
                self.journal,
                self.year,
                self.pmid,
                self.doi,
                self.url,
            ]
        return {
            "position": self.position,
            "authors": self.authors,
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
            "pmid": self.pmid,
            "doi": self.doi,
            "url": self.url,
            "study_type": self.study_type,
            "certainty": self.certainty,
            "source_record": self.source_record,
        }

    def _check_revision_open(self) -> None:
        if Revision.objects.filter(pk=self.revision_id, submitted_at__isnull=False).exists():
            raise FrozenRevisionError("References of a submitted revision cannot change.")

    def save(self, *args, **kwargs):
        self._check_revision_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_revision_open()
        return super().delete(*args, **kwargs)
