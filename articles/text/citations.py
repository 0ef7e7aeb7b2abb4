"""Citation integrity: the checks shown while editing and enforced on submit,
and splitting a pasted block of references into entries."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class PastedReference:
    fields: dict
    line_number: int
    understood: bool  # False: kept whole as a free-text title


_NUMBERING = re.compile(r"^\s*(?:\[\d+\]|\d+[.)])\s*")
_PMID = re.compile(r"\bPMID:?\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s]+)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def parse_reference_block(text: str) -> list[PastedReference]:
    """One reference per non-empty line, in the usual "Authors. Title.
    Journal. Year;..." shape; PMID, DOI and URL are picked out wherever they
    are. A line that does not split that way is kept as a free-text title."""
    parsed = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = _NUMBERING.sub("", raw).strip()
        if not line:
            continue
        fields = {
            "authors": "",
            "title": "",
            "journal": "",
            "year": None,
            "pmid": "",
            "doi": "",
            "url": "",
        }
        if match := _PMID.search(line):
            fields["pmid"] = match.group(1)
            line = line[: match.start()] + line[match.end() :]
        if match := _DOI.search(line):
            fields["doi"] = match.group(1).rstrip(".,;")
            line = line[: match.start()] + line[match.end() :]
        if match := _URL.search(line):
            fields["url"] = match.group(0).rstrip(".,;")
            line = line[: match.start()] + line[match.end() :]
        line = re.sub(r"\s+", " ", line).strip(" .;,")
        segments = [s.strip() for s in re.split(r"\.\s+", line) if s.strip()]
        if len(segments) >= 3:
            fields["authors"], fields["title"] = segments[0], segments[1]
            rest = ". ".join(segments[2:])
            if match := _YEAR.search(rest):
                fields["year"] = int(match.group(1))
                rest = rest[: match.start()]
            fields["journal"] = rest.strip(" .;,")
            understood = bool(fields["journal"])
            if not understood:
                fields["journal"] = ""
        else:
            understood = False
        if not understood:
            fields.update(authors="", journal="", year=None, title=line[:500])
        else:
            fields["title"] = fields["title"][:500]
        parsed.append(
            PastedReference(fields=fields, line_number=line_number, understood=understood)
        )
    return parsed
