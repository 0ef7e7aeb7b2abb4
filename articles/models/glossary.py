from django.db import models

from accounts.validators import refuse_control_characters_and_line_breaks


class GlossaryTerm(models.Model):
    """A term explained in plain words on the patient-level page."""

    term = models.CharField(
        max_length=100, unique=True, validators=[refuse_control_characters_and_line_breaks]
    )
    explanation = models.CharField(
        "plain explanation", max_length=300, validators=[refuse_control_characters_and_line_breaks]
    )
    synonyms = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other spellings or forms, separated by commas.",
        validators=[refuse_control_characters_and_line_breaks],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def forms(self) -> list[str]:
        return [self.term, *(s.strip() for s in self.synonyms.split(",") if s.strip())]
