"""Fingerprints: what a signature covers, in a form anyone can recompute.

A fingerprint is the SHA-256 (lowercase hex) of a canonical JSON text: the
payload serialised with sorted keys, no spaces (separators "," and ":"),
non-ASCII characters written as themselves, encoded as UTF-8. In Python:

    hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode()).hexdigest()

Scheme 1 (revisions submitted before per-version fingerprints): the
revision's payload is title, summary, body, the audience texts that were
written (empty ones left out) and the references as lists [position,
authors, title, journal, year, pmid, doi, url]. It covers no glossary and no
statement; a version's payload is the version's own content (below, without
"glossary").

Scheme 2: the revision's payload is "scheme": 2, title, summary, body, all
four audience texts (empty ones as ""), the references, "statement" (the
funding and competing-interests text) and "glossary" (the pinned entries,
each {"term", "explanation", "forms"}, sorted by term).
A version's payload is {"scheme", "version" (professional, patient or
student), "title", "summary", "body" (what that reader gets), "references",
"statement"}, and for the patient version of scheme 2 also "glossary".
The glossary's own fingerprint is that of {"glossary": entries}.

Scheme 3 is scheme 2 with "scheme": 3 and each reference written as an
object instead of a list: {"position", "authors", "title", "journal",
"year", "pmid", "doi", "url", "study_type", "certainty", "source_record"},
so the evidence grade and the record PubMed or Crossref returned for the
identifier (empty {} when none was fetched) are signed too.

Nothing here reads the database: the model and the migrations call it with
plain values.
"""

import hashlib
import json
from collections.abc import Sequence

CURRENT_SCHEME = 3
VERSION_NAMES = ("professional", "patient", "student")


def canonical_json(payload) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(payload) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def short(fingerprint: str) -> str:
    """The first 8 hex characters in two groups of four, for people to
    compare by eye: "3f9a 01c2"."""
    return f"{fingerprint[:4]} {fingerprint[4:8]}"


def revision_payload(
    *,
    scheme: int,
    texts: dict,
    references: Sequence[list],
    glossary: Sequence[dict],
    statement: str,
) -> dict:
    """`texts`: title, summary, body, patient_summary, patient_body,
    student_summary, student_body."""
    payload = {name: texts[name] for name in ("title", "summary", "body")}
    audience = ("patient_summary", "patient_body", "student_summary", "student_body")
    if scheme == 1:
        payload.update({name: texts[name] for name in audience if texts[name]})
        payload["references"] = list(references)
        return payload
    payload.update({name: texts[name] or "" for name in audience})
    payload.update(
        scheme=scheme,
        references=list(references),
        glossary=list(glossary),
        statement=statement,
    )
    return payload


def text_for(texts: dict, version: str) -> tuple[str, str, bool]:
    """(summary, body, is_own_version), as Revision.text_for()."""
    body = texts.get(f"{version}_body", "") if version != "professional" else ""
    if not body.strip():
        return texts["summary"], texts["body"], version == "professional"
    return texts.get(f"{version}_summary", "") or texts["summary"], body, True


def written_versions(texts: dict) -> list[str]:
    """The versions the authors wrote: professional always, patient and
    student when they have their own body."""
    return [name for name in VERSION_NAMES if text_for(texts, name)[2]]


def version_payload(
    *,
    scheme: int,
    version: str,
    texts: dict,
    references: Sequence[list],
    glossary: Sequence[dict],
    statement: str,
) -> dict:
    summary, body, _own = text_for(texts, version)
    payload = {
        "scheme": scheme,
        "version": version,
        "title": texts["title"],
        "summary": summary,
        "body": body,
        "references": list(references),
        "statement": statement,
    }
    if scheme >= 2 and version == "patient":
        payload["glossary"] = list(glossary)
    return payload


def glossary_payload(glossary: Sequence[dict]) -> dict:
    return {"glossary": list(glossary)}
