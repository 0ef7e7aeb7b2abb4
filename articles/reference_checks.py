"""The reference check: does each reference's PMID or DOI resolve, and do
its title, year and first author match what PubMed or Crossref hold?

It runs at submission (articles.services.article_submit), before the draft
is frozen, so the record it fetched is stored and signed with the revision.
A reference whose service could not be reached is checked again later: the
`check_revision_references` task is queued at submission and the periodic
job `articles.tasks.recheck_unsettled_references` picks up any left over. A
result that lands after submission is shown on the workspace and to
reviewers; the signed revision does not change.

Lookups ask the network, so they run outside any transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import (
    UNSETTLED_CHECK_STATUSES,
    AuditEntry,
    CheckStatus,
    Reference,
    ReferenceCheck,
    Revision,
)
from .sources import (
    SourceClient,
    SourceNotFound,
    SourceRecord,
    SourceUnavailable,
    has_identifier,
    lookup,
    lookups_enabled,
    mismatches,
)


@dataclass(frozen=True)
class Outcome:
    status: str
    problems: tuple[str, ...] = ()
    record: SourceRecord | None = None

    @property
    def blocks(self) -> bool:
        return self.status in (CheckStatus.MISMATCH, CheckStatus.NOT_FOUND)


def service_name(reference) -> str:
    return "PubMed" if reference.pmid.strip().isdigit() else "Crossref"


def check_one(reference, *, client: SourceClient, label: str = "") -> Outcome:
    label = label or f"Reference {reference.position}"
    try:
        record = lookup(reference, client=client)
    except SourceNotFound:
        identifier = (
            f"PMID {reference.pmid.strip()}"
            if reference.pmid.strip().isdigit()
            else f"DOI {reference.doi.strip()}"
        )
        return Outcome(
            CheckStatus.NOT_FOUND,
            (f"{label}: {service_name(reference)} has no record with {identifier}.",),
        )
    except SourceUnavailable:
        return Outcome(CheckStatus.UNREACHABLE)
    problems = tuple(mismatches(reference, record, label=label))
    return Outcome(CheckStatus.MISMATCH if problems else CheckStatus.VERIFIED, problems, record)


def check_references(references) -> dict[int, Outcome]:
    """Outcomes by reference id, for the references with a PMID or DOI.
    Once a service cannot be reached, the rest are not tried (each would
    wait for its own timeouts) and count as unreachable."""
    outcomes = {}
    down = False
    with SourceClient() as client:
        for reference in references:
            if not has_identifier(reference):
                continue
            if down:
                outcomes[reference.pk] = Outcome(CheckStatus.UNREACHABLE)
                continue
            outcomes[reference.pk] = outcome = check_one(reference, client=client)
            down = outcome.status == CheckStatus.UNREACHABLE
    return outcomes


def summary(outcomes) -> str:
    counts = dict.fromkeys(CheckStatus.values, 0)
    for outcome in outcomes:
        counts[outcome.status] += 1
    parts = [
        f"{counts[CheckStatus.VERIFIED]} matched their records",
        f"{counts[CheckStatus.MISMATCH]} differed",
        f"{counts[CheckStatus.NOT_FOUND]} did not resolve",
    ]
    if waiting := counts[CheckStatus.UNREACHABLE] + counts[CheckStatus.PENDING]:
        parts.append(f"{waiting} could not be checked yet and will be checked again")
    return "References with a PMID or DOI: " + ", ".join(parts) + "."


def save_outcomes(outcomes: dict[int, Outcome]) -> list[ReferenceCheck]:
    """Write (or overwrite) the ReferenceCheck of each reference in `outcomes`."""
    now = timezone.now()
    saved = []
    for reference_id, outcome in outcomes.items():
        settled = outcome.status not in UNSETTLED_CHECK_STATUSES
        check, _ = ReferenceCheck.objects.get_or_create(reference_id=reference_id)
        check.status = outcome.status
        check.problems = list(outcome.problems)
        check.source = outcome.record.source if outcome.record else check.source
        check.attempts += 1
        check.checked_at = now if settled else check.checked_at
        check.save()
        saved.append(check)
    return saved


def recheck_revision(revision_id: int) -> int:
    """Check again the references of `revision_id` whose check is unsettled;
    audits the outcome once every check has landed. Returns how many
    settled now."""
    checks = ReferenceCheck.objects.filter(
        reference__revision_id=revision_id, status__in=UNSETTLED_CHECK_STATUSES
    ).select_related("reference")
    references = [check.reference for check in checks]
    if not references or not lookups_enabled():
        return 0
    outcomes = check_references(references)
    with transaction.atomic():
        save_outcomes(outcomes)
        landed = [o for o in outcomes.values() if o.status not in UNSETTLED_CHECK_STATUSES]
        if landed:
            revision = Revision.objects.select_related("article").get(pk=revision_id)
            problems = [p for o in landed for p in o.problems]
            AuditEntry.note(
                revision.article,
                None,
                "references_checked_later",
                (
                    f"Revision {revision.number}: "
                    + summary(outcomes.values())
                    + " "
                    + " ".join(problems)
                )[:5000],
                revision=revision,
            )
    return len(landed)


@task()
def check_revision_references(revision_id: int) -> int:
    """Queued at submission when PubMed or Crossref could not be reached."""
    return recheck_revision(revision_id)


def unsettled_revision_ids() -> list[int]:
    return list(
        Reference.objects.filter(verification__status__in=UNSETTLED_CHECK_STATUSES)
        .values_list("revision_id", flat=True)
        .distinct()
    )


def report_for(revision) -> dict | None:
    """What the check found for `revision`, for the workspace and the review
    page; None when its references were not checked."""
    if revision is None:
        return None
    checks = list(
        ReferenceCheck.objects.filter(reference__revision=revision)
        .select_related("reference")
        .order_by("reference__position")
    )
    if not checks:
        return None
    return {
        "revision": revision,
        "checked": len(checks),
        "sentences": [sentence for check in checks for sentence in check.sentences],
        "waiting": any(check.status in UNSETTLED_CHECK_STATUSES for check in checks),
    }
