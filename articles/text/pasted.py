"""Pasted references, one a line, in the usual "Authors. Title. Journal.
Year;..." shape, and the entry every pasted format is read into."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PastedReference:
    fields: dict
    line_number: int
    understood: bool  # False: kept whole as a free-text title, or with problems
    # "line", "RIS record" or "BibTeX entry": what line_number starts.
    kind: str = "line"
    # What the author should fix, each "it has no title: ..." (RIS, BibTeX).
    problems: tuple[str, ...] = ()


def empty_fields() -> dict:
    return {
        "authors": "",
        "title": "",
        "journal": "",
        "year": None,
        "pmid": "",
        "doi": "",
        "url": "",
    }


_NUMBERING = re.compile(r"^\s*(?:\[\d+\]|\d+[.)])\s*")
_PMID = re.compile(r"\bPMID:?\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s]+)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def parse_lines(text: str, first_line: int = 1) -> list[PastedReference]:
    """One reference per non-empty line, in the usual "Authors. Title.
    Journal. Year;..." shape; PMID, DOI and URL are picked out wherever they
    are. A line that does not split that way is kept as a free-text title."""
    parsed = []
    for line_number, raw in enumerate(text.splitlines(), start=first_line):
        line = _NUMBERING.sub("", raw).strip()
        if not line:
            continue
        fields = empty_fields()
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
