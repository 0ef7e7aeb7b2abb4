"""Citation integrity: the checks shown while editing and enforced on submit,
and splitting a pasted block of references into entries."""

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from . import reference_formats
from .pasted import PastedReference, parse_lines
from .rendering import cited_numbers

DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
MAX_REFERENCES = 200


def _short(title: str) -> str:
    return title if len(title) <= 60 else title[:57].rstrip() + "…"


def citation_problems(body: str, references: Sequence) -> list[str]:
    """Everything wrong between the body's citations and the reference list.
    `references` are Reference instances (saved or not), in list order."""
    problems = []
    cited = set(cited_numbers(body))
    count = len(references)
    if count > MAX_REFERENCES:
        problems.append(f"An article can have at most {MAX_REFERENCES} references ({count} given).")
    for number in sorted(n for n in cited if not 1 <= n <= count):
        problems.append(
            f"Citation [{number}] has no matching reference "
            f"(the list has {count} reference{'s' if count != 1 else ''})."
        )
    for number, ref in enumerate(references, start=1):
        name = f"Reference {number} (“{_short(ref.title)}”)" if ref.title else f"Reference {number}"
        if number not in cited:
            problems.append(f"{name} is never cited in the body.")
        if ref.pmid and not ref.pmid.isdigit():
            problems.append(f"{name}: a PMID is digits only, not “{ref.pmid}”.")
        if ref.doi and not DOI_RE.fullmatch(ref.doi):
            problems.append(f"{name}: a DOI looks like 10.1234/abc, not “{ref.doi}”.")
        if not getattr(ref, "study_type", ""):
            problems.append(
                f"{name}: choose its type of study (randomised trial, cohort, guideline…)."
            )
        if ref.url:
            parts = urlsplit(ref.url)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                problems.append(f"{name}: the URL must start with http:// or https://.")
    return problems


# ---------------------------------------------------------------------------
# Pasted reference lists


def parse_reference_block(text: str) -> list[PastedReference]:
    """The references in a pasted block: a reference manager's RIS export
    (a "TY  -" line), its BibTeX export (an "@article{" line), or else one
    reference per non-empty line in the usual "Authors. Title. Journal.
    Year;..." shape, PMID, DOI and URL picked out wherever they are. A line
    that does not split that way is kept as a free-text title; an export's
    record that cannot be read, or lacks a title, is kept with a note of
    what to fix."""
    match reference_formats.detect(text):
        case "ris":
            return reference_formats.parse_ris(text)
        case "bibtex":
            return reference_formats.parse_bibtex(text)
    return parse_lines(text)
