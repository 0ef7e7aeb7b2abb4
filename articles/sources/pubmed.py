"""A PMID through PubMed's E-utilities: esummary, JSON.

esummary is enough for what we need, so we never ask efetch:
- `authors[].name` ("Smith J"), `title`, `source` (the journal's abbreviated
  name; `fulljournalname` the full one), `pubdate` ("2019 Aug 26": the year
  is its first four characters);
- `pubtype`: "Retracted Publication" marks a retracted work;
- `references`: PubMed's comments-and-corrections links, each with a
  `reftype` ("Retraction in", "Erratum in", "Expression of concern in", ...),
  the notice's `pmid` and a `refsource` citation whose date we read.
An unknown PMID comes back as 200 with an `error` in its entry (or with no
entry at all).
"""

import datetime
import re

from django.conf import settings

from .http import Answer, SourceClient
from .records import SourceNotFound, SourceRecord, SourceUnavailable, SourceUpdate

ESUMMARY_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi"

# PubMed's comments-and-corrections types that change a work's standing.
UPDATE_KINDS = {
    "Retraction in": "retraction",
    "Erratum in": "correction",
    "Corrected and republished in": "correction",
    "Expression of concern in": "expression_of_concern",
}
MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def ncbi_params() -> dict:
    params = {"tool": "medreview", "email": settings.REFERENCE_LOOKUP_CONTACT}
    if settings.NCBI_API_KEY:
        params["api_key"] = settings.NCBI_API_KEY
    return params


def _entry(answer: Answer, pmid: str) -> dict | None:
    if answer.status != 200:
        return None
    try:
        entry = answer.json().get("result", {}).get(pmid)
    except (ValueError, AttributeError):
        return None
    if not isinstance(entry, dict) or entry.get("error") or not entry.get("title"):
        return None
    return entry


def citation_date(text: str) -> datetime.date | None:
    """The date inside a citation such as "Lancet. 2010 Feb 6;375(9713):445"."""
    match = re.search(r"\b(\d{4})(?: ([A-Z][a-z]{2})(?: (\d{1,2}))?)?\b", text or "")
    if not match:
        return None
    year = int(match.group(1))
    month = MONTHS.get((match.group(2) or "").lower())
    day = int(match.group(3)) if match.group(3) and month else 1
    try:
        return datetime.date(year, month or 1, day)
    except ValueError:
        return None


def record_from_entry(pmid: str, entry: dict) -> SourceRecord:
    year_match = re.match(r"\s*(\d{4})", entry.get("pubdate") or "")
    updates = tuple(
        SourceUpdate(
            kind=UPDATE_KINDS[link["reftype"]],
            date=citation_date(link.get("refsource", "")),
            notice=str(link.get("pmid") or ""),
            source="pubmed",
        )
        for link in entry.get("references") or []
        if isinstance(link, dict) and link.get("reftype") in UPDATE_KINDS
    )
    return SourceRecord(
        source="pubmed",
        identifier=pmid,
        authors=tuple(
            author["name"]
            for author in entry.get("authors") or []
            if isinstance(author, dict)
            and author.get("name")
            and author.get("authtype", "Author") == "Author"
        ),
        title=(entry.get("title") or "").strip(),
        journal=(entry.get("source") or entry.get("fulljournalname") or "").strip(),
        year=int(year_match.group(1)) if year_match else None,
        publication_types=tuple(entry.get("pubtype") or ()),
        updates=updates,
    )


def lookup_pmid(
    pmid: str, *, fresh_within=None, client: SourceClient | None = None, cache_only=False
):
    pmid = pmid.strip()
    if not pmid.isdigit():
        raise SourceNotFound(f"“{pmid}” is not a PMID.")
    own = client is None
    client = client or SourceClient()
    try:
        answer = client.get(
            ESUMMARY_URL,
            params={"db": "pubmed", "id": pmid, "retmode": "json"},
            private_params=ncbi_params(),
            fresh_within=fresh_within,
            cache_only=cache_only,
            found=lambda answer: _entry(answer, pmid) is not None,
        )
    finally:
        if own:
            client.close()
    if answer.status >= 400 and answer.status != 404:
        raise SourceUnavailable(f"PubMed answered {answer.status} for PMID {pmid}.")
    entry = _entry(answer, pmid)
    if entry is None:
        raise SourceNotFound(f"PubMed has no record with PMID {pmid}.")
    return record_from_entry(pmid, entry)
