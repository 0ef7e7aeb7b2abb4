"""References exported by a reference manager: RIS (Zotero, EndNote,
Mendeley, PubMed's "Citation manager" RIS) and BibTeX (Zotero, JabRef,
BibDesk), read with rispy and bibtexparser into the fields of a Reference.

Nothing is dropped: a record that cannot be read, or that lacks a title or
has a year that is not one, comes back with the fields we could read and a
sentence saying what to fix (PastedReference.problems)."""

import re
from collections.abc import Iterable

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from .pasted import PastedReference, empty_fields, parse_lines

RIS_START = re.compile(r"^\s*TY  -", re.MULTILINE)
BIBTEX_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_INITIAL = re.compile(r"[^\W\d_]")
_ET_AL = {"others", "et al", "et al.", "et. al."}


def detect(text: str) -> str:
    """ "ris", "bibtex" or "lines" (one reference a line)."""
    if RIS_START.search(text):
        return "ris"
    if BIBTEX_START.search(text):
        return "bibtex"
    return "lines"


# ---------------------------------------------------------------------------
# Shared by both formats


def initials(given: str) -> str:
    """ "John Andrew", "J. A." or "Jean-Pierre" as NLM initials: "JA", "JA", "JP"."""
    return "".join(match.group(0).upper() for match in map(_INITIAL.search, given.split()) if match)


def _initials_of(given: str) -> str:
    return initials(given.replace("-", " ").replace(".", " "))


def person(family: str, given: str = "", suffix: str = "") -> str:
    """ "Family I" (Vancouver's form); a group author stays as written."""
    family = " ".join(family.split())
    parts = [family, _initials_of(given), suffix.replace(".", "").strip()]
    return " ".join(part for part in parts if part)


def year_of(value: str) -> int | None:
    match = _YEAR.search(value or "")
    return int(match.group(1)) if match else None


def clean_doi(value: str) -> str:
    match = _DOI.search(value or "")
    return match.group(0).rstrip(".,;") if match else ""


def _one_line(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _finish(fields: dict, raw_year: str, problems: list[str]) -> dict:
    """Check what every format needs: a title, and a year that is a year."""
    if not fields["title"]:
        problems.append("it has no title: type the title into its row")
    if raw_year.strip() and fields["year"] is None:
        problems.append(
            f"its year “{_one_line(raw_year, 40)}” is not a year: type the year into its row"
        )
    return fields


# ---------------------------------------------------------------------------
# RIS


def _ris_records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, lines) of each record: a TY line up to the next
    TY line. Split here, not by rispy, so a record missing its ER line is
    not merged into the next one. Lines outside records come back as
    records of their own (numbered, not starting with TY)."""
    lines = text.splitlines()
    start, current = None, []
    for number, line in enumerate(lines, start=1):
        line = line.lstrip("\ufeff")
        if RIS_START.match(line):
            if current:
                yield start, current
            start, current = number, [line.strip()]
        elif current:
            current.append(line.rstrip())
            if line.startswith("ER  -"):
                yield start, current
                start, current = None, []
        elif line.strip():
            yield number, [line]
    if current:
        yield start, current


def _ris_authors(record: dict) -> str:
    names = []
    for raw in record.get("authors", []) + record.get("first_authors", []):
        parts = [part.strip() for part in raw.split(",")]
        if len(parts) == 1:
            names.append(" ".join(parts[0].split()))  # a group author
        else:
            names.append(person(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return ", ".join(dict.fromkeys(name for name in names if name))


def _ris_pmid(record: dict) -> str:
    accession = record.get("accession_number", "").strip()
    if accession.isdigit() and len(accession) <= 9:
        return accession  # EndNote and PubMed keep the PMID here
    notes = [accession, *record.get("notes", [])]
    notes += [record.get(f"custom{n}", "") for n in range(1, 9)]
    for note in notes:
        if match := _PMID_NOTE.search(note or ""):
            return match.group(1)
    return ""


def _ris_fields(record: dict, problems: list[str]) -> dict:
    fields = empty_fields()
    fields["authors"] = _one_line(_ris_authors(record), 500)
    fields["title"] = _one_line(record.get("title") or record.get("primary_title"), 500)
    # The abbreviation first: Vancouver and AMA cite journals by it.
    journal = (
        record.get("alternate_title1")  # J2
        or record.get("alternate_title2")  # JA
        or record.get("journal_name")  # JO
        or record.get("secondary_title")  # T2
        or record.get("alternate_title3")  # JF
        or record.get("publisher")
    )
    fields["journal"] = _one_line(journal, 300)
    raw_year = record.get("year") or record.get("publication_year") or record.get("date") or ""
    fields["year"] = year_of(raw_year)
    fields["pmid"] = _ris_pmid(record)
    fields["doi"] = clean_doi(record.get("doi", ""))
    for url in record.get("urls", []):
        if url.startswith(("http://", "https://")) and "doi.org/" not in url:
            fields["url"] = url[:500]
            break
    return _finish(fields, raw_year, problems)


def parse_ris(text: str) -> list[PastedReference]:
    parsed = []
    for line_number, lines in _ris_records(text):
        if not RIS_START.match(lines[0]):
            # Text between records: read as a plain line, like any other.
            parsed.extend(parse_lines(lines[0], first_line=line_number))
            continue
        problems = []
        if not lines[-1].startswith("ER  -"):
            problems.append("it has no end line (ER  -), so it may have been cut off: check it")
            lines = [*lines, "ER  - "]
        try:
            (record,) = rispy.loads("\n".join(lines))
        except Exception:  # rispy raises assorted errors on malformed lines
            record = None
        if record is None:
            fields = empty_fields()
            fields["title"] = _one_line(" ".join(lines), 500)
            problems = ["it could not be read as RIS, so it was kept whole as the title: "
                        "fill in its fields"]  # fmt: skip
            parsed.append(_entry(fields, line_number, "RIS record", problems))
            continue
        fields = _ris_fields(record, problems)
        parsed.append(_entry(fields, line_number, "RIS record", problems))
    return parsed


# ---------------------------------------------------------------------------
# BibTeX


def _bibtex_library(text: str):
    return bibtexparser.parse_string(
        text,
        append_middleware=[
            # Braces kept until the names are split: {World Health
            # Organization} is one author, not three words of one.
            middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )


def _unbraced(value) -> str:
    return " ".join(str(value or "").replace("{", "").replace("}", "").split())


def _bibtex_authors(names) -> str:
    if isinstance(names, str):
        return _unbraced(names)
    written = []
    for name in names:
        last = _unbraced(" ".join(name.von + name.last))
        if last.lower() in _ET_AL and not name.first:
            written.append("et al.")
        elif not name.first and len(name.last) == 1 and name.last[0].startswith("{"):
            written.append(last)  # {World Health Organization}
        else:
            given = _unbraced(" ".join(name.first))
            written.append(person(last, given, _unbraced(" ".join(name.jr))))
    return ", ".join(name for name in written if name)


def _bibtex_fields(entry: Entry, problems: list[str]) -> dict:
    values = {key.lower(): field.value for key, field in entry.fields_dict.items()}
    text = {key: _unbraced(value) for key, value in values.items() if isinstance(value, str)}
    fields = empty_fields()
    fields["authors"] = _one_line(_bibtex_authors(values.get("author", "")), 500)
    fields["title"] = _one_line(text.get("title"), 500)
    journal = (
        text.get("shortjournal")
        or text.get("journal-abbreviation")
        or text.get("journal")
        or text.get("journaltitle")
        or text.get("booktitle")
        or text.get("publisher")
        or text.get("institution")
        or text.get("organization")
    )
    fields["journal"] = _one_line(journal, 300)
    raw_year = text.get("year") or text.get("date") or ""
    fields["year"] = year_of(raw_year)
    pmid = text.get("pmid", "")
    if not pmid and text.get("eprinttype", "").lower() == "pubmed":
        pmid = text.get("eprint", "")
    if not pmid:
        for note in (text.get("note", ""), text.get("annote", ""), text.get("extra", "")):
            if match := _PMID_NOTE.search(note):
                pmid = match.group(1)
                break
    fields["pmid"] = _one_line(pmid, 20)
    fields["doi"] = clean_doi(text.get("doi", ""))
    url = text.get("url", "")
    if url.startswith(("http://", "https://")) and "doi.org/" not in url:
        fields["url"] = url[:500]
    return _finish(fields, raw_year, problems)


def parse_bibtex(text: str) -> list[PastedReference]:
    parsed = []
    for block in _bibtex_library(text).blocks:
        line_number = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            block = block.ignore_error_block  # a second entry with a used key: still a reference
        if isinstance(block, Entry):
            problems = []
            fields = _bibtex_fields(block, problems)
            parsed.append(_entry(fields, line_number, "BibTeX entry", problems))
        elif isinstance(block, ParsingFailedBlock):
            fields = empty_fields()
            fields["title"] = _one_line(block.raw, 500)
            problems = ["it could not be read as BibTeX (a brace or quote may be missing), so it "
                        "was kept whole as the title: fill in its fields"]  # fmt: skip
            parsed.append(_entry(fields, line_number, "BibTeX entry", problems))
        # @comment, @preamble, @string and text between entries are not references.
    return parsed


# ---------------------------------------------------------------------------


def _entry(fields: dict, line_number: int, kind: str, problems: list[str]) -> PastedReference:
    return PastedReference(
        fields=fields,
        line_number=line_number,
        understood=not problems,
        kind=kind,
        problems=tuple(problems),
    )
