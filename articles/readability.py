"""Reading grade of a text, as editors see it next to each audience version.

textstat is pinned to 0.7.3: later releases fetch NLTK's pronunciation
dictionary from the internet on first use, which an offline server cannot do;
0.7.3 counts syllables with pyphen's bundled dictionaries."""

import re
from dataclasses import dataclass

import textstat

from accounts.models import AudienceLevel

_MARKUP = re.compile(r"\[[\d,\s\-\u2013]+\]|[#*_>`|]+|\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown_text: str) -> str:
    """Markdown without its markup and citations, for counting words."""
    return _MARKUP.sub(lambda m: m.group(1) or "", markdown_text or "")


@dataclass(frozen=True)
class Readability:
    label: str
    grade: float | None  # Flesch-Kincaid grade; None when there is no text
    target: int | None  # the policy's ceiling, for the patient level only

    @property
    def too_hard(self) -> bool:
        return self.grade is not None and self.target is not None and self.grade > self.target


def readability_report(revision_like, patient_target: int) -> list[Readability]:
    """Grade of each written version: professional (the main text), patient
    and student. Works on a Revision or anything with the same fields."""
    report = []
    for level in (AudienceLevel.PROFESSIONAL, AudienceLevel.PATIENT, AudienceLevel.STUDENT):
        # What that reader actually gets: their own body, with their own
        # summary or else the professional one.
        summary, body, own = revision_like.text_for(level)
        text = plain_text(f"{summary}\n\n{body}").strip()
        words = re.findall(r"[^\W\d_]{2,}", text)  # real words, not punctuation or numbers
        grade = round(textstat.flesch_kincaid_grade(text), 1) if len(words) >= 10 else None
        if not own:
            continue  # no own version: readers of this level see the main text
        report.append(
            Readability(
                label=level.label,
                grade=grade,
                target=patient_target if level == AudienceLevel.PATIENT else None,
            )
        )
    return report
