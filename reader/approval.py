"""The public approval record of an article (/articles/<slug>/approval.json):
everything needed to recompute its fingerprints without our code."""

from django.urls import reverse

from articles.models import NoticeKind, PolicyVersion, Revision
from articles.text import fingerprints
from reviews.verification import Verification

HOW_TO_RECOMPUTE = (
    "Each fingerprint is the SHA-256 (lowercase hex) of the UTF-8 bytes of its 'content' "
    "serialised as JSON with keys sorted, no whitespace (separators ',' and ':') and non-ASCII "
    "characters written as themselves: in Python, hashlib.sha256(json.dumps(content, "
    "sort_keys=True, ensure_ascii=False, separators=(',', ':')).encode()).hexdigest(). "
    "The revision's content_hash is that of revision_content; the glossary's is that of "
    "glossary_content. Scheme 1 revisions (submitted before the glossary was pinned) do not "
    "cover the glossary or a statement; from scheme 3 each reference is an object carrying its "
    "evidence grade (study_type, certainty) and source_record, the record PubMed or Crossref "
    "returned for its identifier."
)


def policy_in_force(revision: Revision) -> PolicyVersion | None:
    when = revision.approved_at or revision.submitted_at
    if when is None:
        return None
    return PolicyVersion.objects.filter(created_at__lte=when).order_by("-number").first()


def approval_record(article, check: Verification, references, *, notices=(), base_url: str) -> dict:
    revision = check.revision
    payloads = revision.version_payloads(references)
    policy = policy_in_force(revision)
    glossary = fingerprints.glossary_payload(revision.glossary_snapshot)
    return {
        "article": {
            "slug": article.slug,
            "url": base_url + reverse("reader:public", args=[article.slug]),
        },
        "verified": check.ok,
        "problems": check.problems,
        # Corrections, updates and a retraction the editors published since:
        # a signature stays true of the text, and these say what followed.
        "retracted": any(notice.kind == NoticeKind.RETRACTION for notice in notices),
        "notices": [
            {
                "kind": notice.kind,
                "issued_at": notice.created_at.isoformat(),
                "revision": notice.revision.number,
                "reason": notice.reason,
            }
            for notice in notices
        ],
        "revision": {
            "number": revision.number,
            "submitted_at": revision.submitted_at.isoformat() if revision.submitted_at else None,
            "approved_at": revision.approved_at.isoformat() if revision.approved_at else None,
            "fingerprint_scheme": revision.fingerprint_scheme,
            "content_hash": revision.content_hash,
        },
        "how_to_recompute": HOW_TO_RECOMPUTE,
        "revision_content": revision.content_payload(references),
        "versions": [
            {
                "version": name,
                "fingerprint": fingerprints.digest(payload),
                "short": fingerprints.short(fingerprints.digest(payload)),
                "content": payload,
            }
            for name, payload in payloads.items()
        ],
        "glossary": {
            "signed": revision.fingerprint_scheme >= 2,
            "fingerprint": fingerprints.digest(glossary),
            "glossary_content": glossary,
        },
        "signatures": [
            {
                "signer": signoff.signer_name,
                "credentials": signoff.signer_credentials,
                "meaning": signoff.meaning,
                "signed_at": signoff.signed_at.isoformat(),
                "content_hash": signoff.content_hash,
                "versions": signoff.version_fingerprints,
            }
            for signoff in check.valid
        ],
        "policy_version": (
            {
                "number": policy.number,
                "url": base_url + reverse("reader:policy_version", args=[policy.number]),
            }
            if policy
            else None
        ),
    }
