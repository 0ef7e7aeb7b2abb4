"""What differs between a reference as the author entered it and the record
PubMed or Crossref holds, in sentences an author can act on.

Tolerant on purpose: case, punctuation, accents, "&" for "and", a trailing
period, PubMed's [brackets] around translated titles, a title cut short or
with a subtitle left off all match. The year must be the same. The first
author matches when the record's surname is in the first name the author
entered ("Smith J", "J. Smith", "Smith, John" all match "Smith J"). The
journal is not compared: abbreviations vary too much to be a useful test.
"""

import difflib
import re
import unicodedata

from .records import SourceRecord

TITLE_SIMILARITY = 0.9  # difflib ratio on the normalised titles
MIN_PREFIX_WORDS = 4  # a shortened title must keep at least this many words


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower().replace("&", " and ").replace("ß", "ss")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def titles_match(entered: str, recorded: str) -> bool:
    entered = normalise(entered.strip().strip("[]"))
    recorded = normalise(recorded.strip().rstrip(".").strip("[]"))
    if not entered or not recorded or entered == recorded:
        return True
    shorter, longer = sorted([entered, recorded], key=len)
    if len(shorter.split()) >= MIN_PREFIX_WORDS and longer.startswith(shorter):
        return True  # a title cut short, or its subtitle left off
    return difflib.SequenceMatcher(None, entered, recorded).ratio() >= TITLE_SIMILARITY


def surname(author: str) -> str:
    """The surname inside a record's "Smith J" / "van der Berg AB"."""
    words = author.split()
    if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3:
        words = words[:-1]
    return normalise(" ".join(words))


def first_entered_author(authors: str) -> str:
    first = re.split(r";|,(?=\s*[A-Z][a-z]*\s+[A-Z])|\band\b|&", authors or "", maxsplit=1)[0]
    return normalise(re.sub(r"\bet al\.?", "", first))


def first_authors_match(entered: str, record: SourceRecord) -> bool:
    entered_first = first_entered_author(entered)
    recorded = surname(record.first_author)
    if not entered_first or not recorded:
        return True
    padded = f" {entered_first} "
    return f" {recorded} " in padded or f" {normalise(record.first_author)} " in padded


def mismatches(reference, record: SourceRecord, *, label: str = "") -> list[str]:
    """Readable sentences, one per field that differs ([] when all match).
    `reference` is anything with `title`, `year` and `authors`."""
    source = record.source_name
    label = label or "This reference"
    problems = []
    if reference.title and record.title and not titles_match(reference.title, record.title):
        problems.append(
            f"{label}: {source} gives the title “{record.title}”; you entered “{reference.title}”."
        )
    if reference.year and record.year and int(reference.year) != record.year:
        problems.append(
            f"{label}: {source} gives the year {record.year}; you entered {reference.year}."
        )
    if reference.authors and record.authors and not first_authors_match(reference.authors, record):
        problems.append(
            f"{label}: {source} gives the first author as {record.first_author}; "
            f"you entered “{reference.authors}”."
        )
    return problems
