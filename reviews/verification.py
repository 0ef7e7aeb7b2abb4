"""Checking a revision's signatures against its content as it is now in the
database: the reader's page, the board page, the editors' verification page,
approval.json and `manage.py verify_article` all ask this."""

from dataclasses import dataclass, field

from articles.models import Revision
from articles.text.fingerprints import short

from .models import BoardSignoff


@dataclass
class Verification:
    revision: Revision
    content_hash: str  # recomputed from the content now
    fingerprints: dict  # {version: SHA-256}, recomputed now
    signoffs: list  # every signature on the revision, withdrawn ones too
    valid: list = field(default_factory=list)  # those that still count and match
    problems: list = field(default_factory=list)

    @property
    def content_ok(self) -> bool:
        return self.content_hash == self.revision.content_hash

    @property
    def ok(self) -> bool:
        return self.content_ok and bool(self.valid) and not self.problems

    def signers_of(self, version: str) -> list:
        return [signoff for signoff in self.valid if signoff.covers(version)]


def verify_revision(revision: Revision, *, references=None, signoffs=None) -> Verification:
    """Recompute the revision's content hash and each version's fingerprint
    and check every signature against them. `references` and `signoffs`
    (with `withdrawal` loaded) may be passed when already loaded."""
    if references is None:
        references = list(revision.references.all())
    if signoffs is None:
        signoffs = list(revision.signoffs.select_related("withdrawal").order_by("signed_at", "pk"))
    result = Verification(
        revision=revision,
        content_hash=revision.compute_content_hash(references),
        fingerprints=revision.version_fingerprints(references),
        signoffs=signoffs,
    )
    if not result.content_ok:
        result.problems.append(
            f"Revision {revision.number}'s content no longer gives its stored fingerprint "
            f"(stored {short(revision.content_hash)}, now {short(result.content_hash)}): "
            "it was changed outside the application."
        )
    for signoff in signoffs:
        if signoff.is_withdrawn:
            continue
        changed = sorted(
            name
            for name, fingerprint in signoff.version_fingerprints.items()
            if result.fingerprints.get(name) != fingerprint
        )
        if signoff.content_hash != result.content_hash:
            result.problems.append(
                f"The signature of {signoff.name_with_credentials} was given to "
                f"{short(signoff.content_hash)}, not to the text as it is now"
                + (f" (changed: {', '.join(changed)} version)." if changed else ".")
            )
        elif changed or not signoff.version_fingerprints:
            result.problems.append(
                f"The signature of {signoff.name_with_credentials} covers versions whose "
                f"text changed: {', '.join(changed) or '(it records no version)'}."
            )
        else:
            result.valid.append(signoff)
    return result


def valid_signatures(revision: Revision, references) -> tuple[list[BoardSignoff], dict]:
    """The signatures that count for `revision` as its content is now, in
    one query (the reader's page), with the versions' fingerprints."""
    content_hash = revision.compute_content_hash(references)
    versions = revision.version_fingerprints(references)
    valid = [
        signoff
        for signoff in BoardSignoff.objects.valid_for(revision, content_hash)
        .select_related("signer")
        .order_by("signed_at", "pk")
        if signoff.versions_unchanged(versions)
    ]
    return valid, versions
