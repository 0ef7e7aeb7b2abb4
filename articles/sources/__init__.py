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


def lookup(
    reference, *, fresh_within=None, client: SourceClient | None = None, cache_only=False
) -> SourceRecord:
    """The record for `reference` (anything with `pmid` and `doi`): PubMed
    when it has a PMID, else Crossref. Raises SourceNotFound when the
    identifier does not resolve, SourceUnavailable when the service cannot
    be reached (or lookups are switched off). `cache_only`: from the answers
    already cached, whatever their age, never the network."""
    if not lookups_enabled() and not cache_only:
        raise LookupsSwitchedOff("Reference lookups are switched off on this server.")
    pmid, doi = reference.pmid.strip(), reference.doi.strip()
    if pmid.isdigit():
        return lookup_pmid(pmid, fresh_within=fresh_within, client=client, cache_only=cache_only)
    if doi.startswith("10."):
        return lookup_doi(doi, fresh_within=fresh_within, client=client, cache_only=cache_only)
    raise SourceNotFound("The reference has neither a PMID nor a DOI to look up.")


def cached_record(reference, *, client: SourceClient | None = None) -> SourceRecord | None:
    """The record last fetched for `reference`'s identifier, if any (no
    network): what a draft stores after the author filled it in."""
    if not has_identifier(reference):
        return None
    try:
        return lookup(reference, client=client, cache_only=True)
    except (SourceNotFound, SourceUnavailable):
        return None


__all__ = [
    "LookupsSwitchedOff",
    "SourceClient",
    "SourceNotFound",
    "SourceRecord",
    "SourceUnavailable",
    "SourceUpdate",
    "cached_record",
    "has_identifier",
    "lookup",
    "lookup_doi",
    "lookup_pmid",
    "lookups_enabled",
    "mismatches",
]
