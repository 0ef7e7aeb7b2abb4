"""A DOI through the Crossref REST API: GET /works/<doi>.

From the work (`message`): `author[]` (`family` + `given`, or `name` for a
group), `title[0]`, `container-title[0]` (else `publisher`), `issued`
(`date-parts`, else `published-print` / `published-online`), and two update
relations:
- `updated-by`: notices that changed this work, each with `type`
  ("retraction", "correction", "erratum", "expression_of_concern", ...),
  `DOI` of the notice, `updated` date and `source` ("publisher", or
  "retraction-watch" for retractions Crossref took from Retraction Watch);
- `update-to`: set when this work IS a notice; it does not change the work's
  own standing, so it is not among `updates` (see `notice_for`).
A DOI Crossref does not know answers 404.
"""

import datetime
from urllib.parse import quote

from .http import SourceClient
from .records import SourceNotFound, SourceRecord, SourceUnavailable, SourceUpdate

WORKS_URL = "https://api.crossref.org/works/"

UPDATE_KINDS = {
    "retraction": "retraction",
    "withdrawal": "retraction",
    "removal": "retraction",
    "correction": "correction",
    "erratum": "correction",
    "partial_retraction": "correction",
    "corrigendum": "correction",
    "expression_of_concern": "expression_of_concern",
}


def date_from_parts(value) -> datetime.date | None:
    try:
        parts = [int(part) for part in (value or {}).get("date-parts", [[]])[0] if part]
    except (TypeError, ValueError, IndexError):
        return None
    if not parts:
        return None
    try:
        return datetime.date(parts[0], *(parts[1:3] + [1, 1][len(parts) - 1 :]))
    except ValueError:
        return None


def _author(author: dict) -> str:
    if author.get("family"):
        initials = "".join(
            part[0] for part in (author.get("given") or "").replace("-", " ").split() if part
        )
        return f"{author['family']} {initials.upper()}".strip()
    return (author.get("name") or "").strip()


def _first(values) -> str:
    if isinstance(values, list):
        return (values[0] if values else "").strip()
    return (values or "").strip()


def updates_of(work: dict) -> tuple[SourceUpdate, ...]:
    return tuple(
        SourceUpdate(
            kind=UPDATE_KINDS[(relation.get("type") or "").lower()],
            date=date_from_parts(relation.get("updated")),
            notice=relation.get("DOI") or relation.get("doi") or "",
            source=relation.get("source") or "publisher",
        )
        for relation in work.get("updated-by") or []
        if isinstance(relation, dict) and (relation.get("type") or "").lower() in UPDATE_KINDS
    )


def notice_for(work: dict) -> tuple[SourceUpdate, ...]:
    """The works this work is a notice about (`update-to`)."""
    return tuple(
        SourceUpdate(
            kind=UPDATE_KINDS[(relation.get("type") or "").lower()],
            date=date_from_parts(relation.get("updated")),
            notice=relation.get("DOI") or "",
            source=relation.get("source") or "publisher",
        )
        for relation in work.get("update-to") or []
        if isinstance(relation, dict) and (relation.get("type") or "").lower() in UPDATE_KINDS
    )


def record_from_work(doi: str, work: dict) -> SourceRecord:
    issued = next(
        (
            date
            for date in (
                date_from_parts(work.get(field))
                for field in ("issued", "published-print", "published-online", "published")
            )
            if date
        ),
        None,
    )
    return SourceRecord(
        source="crossref",
        identifier=doi,
        authors=tuple(
            name
            for name in (_author(a) for a in work.get("author") or [] if isinstance(a, dict))
            if name
        ),
        title=_first(work.get("title")),
        journal=_first(work.get("container-title")) or (work.get("publisher") or "").strip(),
        year=issued.year if issued else None,
        publication_types=tuple(filter(None, [work.get("type") or ""])),
        updates=updates_of(work),
    )


def lookup_doi(
    doi: str, *, fresh_within=None, client: SourceClient | None = None, cache_only=False
):
    doi = doi.strip()
    if not doi.startswith("10."):
        raise SourceNotFound(f"“{doi}” is not a DOI.")
    own = client is None
    client = client or SourceClient()
    try:
        answer = client.get(
            WORKS_URL + quote(doi, safe="/:()<>;"),
            fresh_within=fresh_within,
            cache_only=cache_only,
        )
    finally:
        if own:
            client.close()
    if answer.status == 404:
        raise SourceNotFound(f"Crossref has no record with DOI {doi}.")
    if answer.status != 200:
        raise SourceUnavailable(f"Crossref answered {answer.status} for DOI {doi}.")
    try:
        work = answer.json()["message"]
    except (ValueError, KeyError, TypeError) as error:
        raise SourceUnavailable(f"Crossref's answer for DOI {doi} could not be read.") from error
    return record_from_work(doi, work)
