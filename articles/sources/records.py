"""The record a lookup returns, and the two ways a lookup fails."""

import datetime
from dataclasses import dataclass
from typing import Literal

UpdateKind = Literal["retraction", "correction", "expression_of_concern"]


class SourceNotFound(Exception):
    """The PMID or DOI does not resolve: the service answered that it has no
    such record."""


class SourceUnavailable(Exception):
    """The service could not be asked (network down, timeout, 5xx, or 429
    after the retries): ask again later."""


@dataclass(frozen=True)
class SourceUpdate:
    """A notice that changed the standing of a work: a retraction, a
    correction or an expression of concern."""

    kind: UpdateKind
    date: datetime.date | None
    notice: str  # the notice's DOI (Crossref) or PMID (PubMed), "" if not given
    source: str  # who recorded it: "pubmed", "publisher", "retraction-watch", ...


@dataclass(frozen=True)
class SourceRecord:
    source: Literal["pubmed", "crossref"]
    identifier: str  # the PMID or DOI asked about
    authors: tuple[str, ...]  # "Smith J", in the record's order
    title: str
    journal: str
    year: int | None
    publication_types: tuple[str, ...] = ()
    updates: tuple[SourceUpdate, ...] = ()

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""

    @property
    def retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or any(
            update.kind == "retraction" for update in self.updates
        )

    @property
    def source_name(self) -> str:
        return {"pubmed": "PubMed", "crossref": "Crossref"}[self.source]

    def as_stored(self) -> dict:
        """What Reference.source_record keeps (and the fingerprint signs)."""
        return {
            "source": self.source,
            "authors": ", ".join(self.authors),
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
        }
