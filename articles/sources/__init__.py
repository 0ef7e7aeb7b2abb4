"""What PubMed and Crossref say a reference's PMID or DOI is.

- `records`: the record a lookup returns (`SourceRecord`, `SourceUpdate`) and
  the two ways a lookup fails (`SourceNotFound`, `SourceUnavailable`);
- `http`: the one HTTP client (timeouts, retries with backoff, a polite
  User-Agent) and its database cache of answers;
- `pubmed` and `crossref`: a lookup by PMID and by DOI; `lookup(reference)`
  asks PubMed when there is a PMID, else Crossref;
- `matching`: what differs between what the author entered and the record.
"""

from django.conf import settings

from .crossref import lookup_doi
from .http import SourceClient
from .matching import mismatches
from .pubmed import lookup_pmid
from .records import SourceNotFound, SourceRecord, SourceUnavailable, SourceUpdate


class LookupsSwitchedOff(SourceUnavailable):
    """REFERENCE_LOOKUPS is off on this server."""


def lookups_enabled() -> bool:
    return settings.REFERENCE_LOOKUPS


def has_identifier(reference) -> bool:
    return bool(reference.pmid.strip().isdigit() or reference.doi.strip().startswith("10."))


def lookup(reference, *, fresh_within=None, client: SourceClient | None = None) -> SourceRecord:
    """The record for `reference` (anything with `pmid` and `doi`): PubMed
    when it has a PMID, else Crossref. Raises SourceNotFound when the
    identifier does not resolve, SourceUnavailable when the service cannot
    be reached (or lookups are switched off)."""
    if not lookups_enabled():
        raise LookupsSwitchedOff("Reference lookups are switched off on this server.")
    pmid, doi = reference.pmid.strip(), reference.doi.strip()
    if pmid.isdigit():
        return lookup_pmid(pmid, fresh_within=fresh_within, client=client)
    if doi.startswith("10."):
        return lookup_doi(doi, fresh_within=fresh_within, client=client)
    raise SourceNotFound("The reference has neither a PMID nor a DOI to look up.")


__all__ = [
    "LookupsSwitchedOff",
    "SourceClient",
    "SourceNotFound",
    "SourceRecord",
    "SourceUnavailable",
    "SourceUpdate",
    "has_identifier",
    "lookup",
    "lookup_doi",
    "lookup_pmid",
    "lookups_enabled",
    "mismatches",
]
