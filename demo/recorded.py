"""The retraction watch's lookups during `load_demo`, answered from recorded
answers (demo/recorded_answers.json) instead of the network: the demo must
load offline, and it shows a published article flagged for citing a
retracted study. The answers are parsed by the real client's parsers, so the
demo's alert is exactly what the daily watch would raise from them."""

import json
from pathlib import Path

from articles.sources import SourceNotFound, SourceRecord
from articles.sources.crossref import record_from_work
from articles.sources.pubmed import record_from_entry

RECORDED = json.loads((Path(__file__).parent / "recorded_answers.json").read_text())


def recorded_lookup(kind: str, identifier: str) -> SourceRecord:
    """A `Lookup` for articles.services.source_alerts_check."""
    if kind == "pmid" and identifier in RECORDED["pmid"]:
        return record_from_entry(identifier, RECORDED["pmid"][identifier])
    if kind == "doi" and identifier in RECORDED["doi"]:
        return record_from_work(identifier, RECORDED["doi"][identifier])
    # Every other demo identifier: nothing recorded, so nothing to flag.
    raise SourceNotFound(f"The demo has no recorded answer for {kind} {identifier}.")
