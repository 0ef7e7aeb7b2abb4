import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from accounts.notifications import mark_read, notify
from accounts.rules import is_editor, may_write_articles, require_editor
from core import outbox
from core.background import enqueue_on_commit

from . import handoffs, reference_checks, sources
from .models import (
    AUDIENCE_FIELDS,
    SOURCE_ALERT_SEVERITY,
    UNSETTLED_CHECK_STATUSES,
    Article,
    ArticleChanged,
    ArticleNotice,
    ArticleState,
    AuditEntry,
    Discussion,
    DiscussionAudience,
    DiscussionMessage,
    DiscussionReading,
    EditorialPolicy,
    NoticeKind,
    PolicyChanged,
    PolicyVersion,
    ReaderQuestion,
    Reference,
    ReferenceCheck,
    Revision,
    SourceAlert,
    SourceAlertKind,
    TransitionRefused,
)
from .models.discussion import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH
from .rules import (
    discussion_start_problem,
    draft_deletion_problem,
    is_author_of,
    is_handling_editor,
    may_edit,
    may_read_discussion,
    require_due_date_editor,
    source_alert_clear_problem,
    transition_refusal,
)
from .signals import notice_issued, rereview_opened, source_alert_changed
from .sources import (
    LookupsSwitchedOff,
    SourceClient,
    SourceNotFound,
    SourceUnavailable,
    cached_record,
    has_identifier,
    lookup,
    lookups_enabled,
    mismatches,
)

# The evidence grade (the last two) is optional in the dicts services take.
REFERENCE_FIELDS = (
    "authors",
    "title",
    "journal",
    "year",
    "pmid",
    "doi",
    "url",
    "study_type",
    "certainty",
)

logger = logging.getLogger(__name__)


def _audience_fields(versions: dict | None) -> dict:
    versions = versions or {}
    return {name: versions.get(name) or "" for name in AUDIENCE_FIELDS}


def _add_references(revision: Revision, references: Sequence[dict]) -> None:
    rows = [
        Reference(
            revision=revision,
            position=position,
            **{f: ref[f] for f in REFERENCE_FIELDS if f in ref},
        )
        for position, ref in enumerate(references, start=1)
    ]
    # The record PubMed or Crossref gave when the author filled the row in
    # (cached, never fetched here): stored and, once submitted, signed.
    with SourceClient() as client:
        for row in rows:
            if record := cached_record(row, client=client):
                row.source_record = record.as_stored()
    Reference.objects.bulk_create(rows)


def article_create(
    *,
    author,
    title: str,
    primary_audience: str,
    summary: str,
    body: str,
    references: Sequence[dict],
    change_summary: str = "",
    audience_versions: dict | None = None,
    statement: str = "",
) -> Article:
    """Start a new article as a draft with revision 1, written by `author`.
    `audience_versions` may hold patient_/student_ summary and body texts."""
    if not may_write_articles(author):
        raise PermissionDenied("Only people with the Author role can start articles.")
    with transaction.atomic():
        article = Article.objects.create_with_unique_slug(
            title=title, primary_audience=primary_audience
        )
        article.authors.add(author)
        revision = Revision.objects.create(
            article=article,
            number=1,
            title=title,
            summary=summary,
            body=body,
            change_summary=change_summary,
            primary_audience=primary_audience,
            statement=statement,
            author=author,
            **_audience_fields(audience_versions),
        )
        _add_references(revision, references)
        revision.refresh_hash()
        article.current_revision = revision
        article.save(update_fields=["current_revision", "updated_at"])
    return article


def revision_save_draft(
    *,
    article: Article,
    author,
    seen_hash: str,
    title: str,
    primary_audience: str,
    summary: str,
    body: str,
    references: Sequence[dict],
    change_summary: str = "",
    response_letter: str = "",
    audience_versions: dict | None = None,
    statement: str = "",
) -> Revision:
    """Save an author's edits as the open draft.

    The open draft is changed in place; when the current revision is already
    submitted (frozen), the edits become a new revision numbered after it, so a
    revision someone reviewed or signed never changes. `seen_hash` is the
    content hash the author started from: if someone saved in between, nothing
    is written and ArticleChanged says so.
    """
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not is_author_of(author, locked):
            raise PermissionDenied("Only the article's authors can edit it.")
        if not locked.is_editable:
            raise TransitionRefused(
                [
                    f"The article is “{locked.get_state_display()}”, so it cannot be edited "
                    f"until the editors decide."
                ]
            )
        current = locked.current_revision
        if current.content_hash != seen_hash:
            raise ArticleChanged(
                "Someone else saved this article after you opened it. Your text is kept "
                "below; compare it with the latest revision before saving again."
            )
        if current.is_frozen:
            last_number = locked.revisions.aggregate(last=Max("number"))["last"]
            revision = Revision(article=locked, number=last_number + 1, author=author)
        else:
            revision = current
        revision.title = title
        revision.summary = summary
        revision.body = body
        revision.change_summary = change_summary
        revision.primary_audience = primary_audience
        revision.response_letter = response_letter
        revision.statement = statement
        for name, value in _audience_fields(audience_versions).items():
            setattr(revision, name, value)
        revision.save()
        revision.references.all().delete()
        _add_references(revision, references)
        revision.refresh_hash()

        locked.current_revision = revision
        if locked.state == ArticleState.DRAFT:
            # Only an unsubmitted article takes its draft's title at once; later
            # the public title and audience change when a revision is
            # submitted (never published yet) or approved (published).
            locked.title = title
            locked.primary_audience = primary_audience
        locked.save()
    return revision


def article_delete_draft(*, article: Article, author) -> str:
    """Delete a draft that was never submitted, with its revisions and
    references; returns its title. Only its authors may
    (`rules.may_delete_draft`).

    Why deleting leaves the audit trail whole: the trail records the
    editorial process, and a never-submitted draft never entered it.
    Writing and saving a draft writes no audit entry, and no editor,
    reviewer, board member or reader ever saw it. Should an entry exist all
    the same (data from an older version, a future event on drafts), the
    draft is refused rather than its entries removed: audit entries are
    append-only and point at their article, which therefore stays.
    The deletion itself goes to the application log (title, number, who).

    Raises PermissionDenied with a sentence when it may not be deleted."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if problem := draft_deletion_problem(author, locked):
            raise PermissionDenied(problem)
        if locked.audit_entries.exists():
            raise PermissionDenied(
                "This draft has entries in the audit trail, which is never edited, "
                "so it cannot be deleted. Withdraw it instead once it is submitted, "
                "or ask an editor."
            )
        title = locked.title
        locked.current_revision = None
        locked.save(update_fields=["current_revision", "updated_at"])
        # References go with their revisions (CASCADE); everything that is a
        # record (audit, reviews, signatures, notices) PROTECTs the rows, so
        # a draft that somehow has any fails here and the transaction undoes all.
        Revision.objects.filter(article=locked).delete()
        pk = locked.pk
        locked.delete()
    logger.info("Draft %s (“%s”) deleted by %s, its author.", pk, title, author)
    return title


def articles_open_due_reviews(*, today) -> list[Article]:
    """Flag published articles whose periodic re-review date has come, so they
    show in the editors' queue (and, if the policy says so, publicly as
    overdue). Each article is flagged once, with an audit entry; running it
    again the same day or later changes nothing more."""
    opened = []
    with transaction.atomic():
        due = Article.objects.select_for_update().filter(
            published_revision__isnull=False,
            next_review_due__lte=today,
            rereview_due_since__isnull=True,
        )
        for article in due:
            article.rereview_due_since = today
            article.save(update_fields=["rereview_due_since", "updated_at"])
            rereview_opened.send(sender=Article, article=article)
            AuditEntry.note(
                article,
                None,
                "rereview_due",
                f"Periodic re-review was due on {article.next_review_due:%-d %b %Y}.",
                revision=article.published_revision,
            )
            opened.append(article)
    return opened


def policy_update(*, editor, data: dict, note: str, seen_version: int | None) -> PolicyVersion:
    """Change the editorial policy's text and settings as one new version.

    Only editors may; the old version stays on record with who changed what
    from which value to which. Settings apply from the next action on: code
    reads the policy when it acts, so nothing already done is recomputed."""
    require_editor(editor, "Only editors can change the editorial policy.")
    with transaction.atomic():
        policy = EditorialPolicy.objects.select_for_update().get(pk=EditorialPolicy.current().pk)
        latest = PolicyVersion.objects.order_by("-number").first()
        if seen_version is not None and latest is not None and latest.number != seen_version:
            raise PolicyChanged(
                f"Someone else saved version {latest.number} of the policy after you opened "
                f"it. Your text is kept below; compare it with the current policy first."
            )
        changes = []
        for name, value in data.items():
            old = getattr(policy, name)
            if name == "text":
                # Browsers send \r\n and forms trim: compare the words, not the line ends.
                value = value.replace("\r\n", "\n").strip()
                old = old.replace("\r\n", "\n").strip()
            if old != value:
                field = EditorialPolicy._meta.get_field(name)
                # A choice is recorded by its label: the history is read by people.
                shown = dict(field.choices or ())
                changes.append(
                    {
                        "field": name,
                        "label": str(field.verbose_name),
                        "old": shown.get(old, old) if name != "text" else "(previous text)",
                        "new": shown.get(value, value) if name != "text" else "(new text)",
                    }
                )
                setattr(policy, name, value)
        if not changes:
            raise ValidationError("Nothing changed, so no new version was saved.")
        policy.updated_by = editor
        policy.save()
        return PolicyVersion.record(policy, changed_by=editor, note=note, changes=changes)


def reader_question_receive(*, question: ReaderQuestion) -> ReaderQuestion:
    """Keep a reader's question or error report (its article and revision
    set by the page it was sent from) and tell the article's editors."""
    with transaction.atomic():
        question.save()
        handoffs.tell_editors_of_reader_message(question)
    return question


def handling_editor_take(*, article: Article, editor) -> Article:
    """`editor` takes charge of the article as its handling editor (from
    then on only they hear of its hand-offs). Any editor who may handle it
    (`rules.is_handling_editor`: not its authors) may, once it is submitted;
    the editor who had it is told. Audited."""
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join.
        locked = (
            Article.objects.select_for_update(of=("self",))
            .select_related("handling_editor")
            .get(pk=article.pk)
        )
        if not is_handling_editor(editor, locked):
            raise PermissionDenied(
                "You are an author of this article, so another editor must handle it."
                if is_editor(editor)
                else "Only editors can take charge of an article."
            )
        if locked.state == ArticleState.DRAFT:
            raise TransitionRefused(["A draft has no editor yet: it is still with its authors."])
        previous = locked.handling_editor
        if previous is not None and previous.pk == editor.pk:
            raise TransitionRefused(["You already handle this article."])
        Article.objects.filter(pk=locked.pk).update(handling_editor=editor)
        locked.handling_editor = editor
        AuditEntry.note(
            locked,
            editor,
            "handling_editor_taken",
            f"{editor} took over from {previous} as the handling editor."
            if previous
            else f"{editor} handles this article as its editor.",
        )
        if previous is not None:
            notify(
                [previous],
                kind="handling_editor_taken",
                subject=f"{editor} now handles “{locked.title}”",
                body="You no longer hear of its hand-offs; its history keeps your work on it.",
                link=handoffs.workspace(locked),
                actor=editor,
            )
    return locked


def reader_question_handle(
    *, question: ReaderQuestion, editor, answer: str = "", rereview: bool = False
) -> ReaderQuestion:
    """An editor who did not write the article closes a reader's message:
    optionally answering by email (sent after commit, only if the reader left
    an address) and optionally putting the article back in the queue for
    re-review."""
    require_editor(editor, "Only editors handle reader questions.")
    answer = answer.strip()
    # No form stands between the desk and this field: its validators run here.
    ReaderQuestion._meta.get_field("answer").run_validators(answer)
    with transaction.atomic():
        locked = (
            ReaderQuestion.objects.select_for_update().select_related("article").get(pk=question.pk)
        )
        if not is_handling_editor(editor, locked.article):
            raise PermissionDenied(
                "You are an author of this article, so another editor handles its reader messages."
            )
        if locked.handled_at is not None:
            raise TransitionRefused(["This message was already handled by another editor."])
        if answer and not locked.email:
            raise ValidationError("The reader left no email address, so an answer cannot be sent.")
        locked.answer = answer
        locked.handled_at = timezone.now()
        locked.handled_by = editor
        locked.save()
        article = Article.objects.select_for_update().get(pk=locked.article_id)
        if rereview:
            if article.state != ArticleState.APPROVED:
                raise ValidationError("Only published articles can be sent back for re-review.")
            if article.rereview_due_since is None:
                article.rereview_due_since = timezone.localdate()
                article.save(update_fields=["rereview_due_since", "updated_at"])
                rereview_opened.send(sender=Article, article=article)
        AuditEntry.note(
            article,
            editor,
            "reader_question_handled",
            f"{locked.get_kind_display()} handled"
            + ("; answered by email" if answer else "")
            + ("; re-review opened" if rereview else "")
            + ".",
            revision=locked.revision,
        )
        if answer:
            outbox.queue(
                "reader_answer",
                to=[locked.email],
                subject=f"Your question about “{article.title}”",
                context={"question": locked, "article": article},
            )
    return locked


# The audit action of each notice that does not change the article's state;
# a retraction is the workflow's "retract" transition.
NOTICE_ACTIONS = {
    NoticeKind.CORRECTION: "correction_published",
    NoticeKind.UPDATE: "update_published",
}


def article_notice_issue(
    *, article: Article, editor, kind: str, reason: str, seen_state: str | None = None
) -> ArticleNotice:
    """Attach a public notice to a published article's text, with its audit
    entry. Editors who handle the article (`rules.is_handling_editor`: not
    its authors) may. A correction or an update leaves the article as it
    is; a retraction fires the workflow's `retract` transition (so the
    desks show it), after which the page shows the notice above the
    retracted text. Nothing is deleted and the signed text never changes.

    Raises PermissionDenied (not allowed), ArticleChanged (the article moved
    since `seen_state`), TransitionRefused (nothing published to attach it
    to) and ValidationError (no reason, unknown kind)."""
    reason = reason.strip()
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": "Choose a correction, an update or a retraction."})
    if not reason:
        raise ValidationError({"reason": "Please give the reason readers will see."})
    # No form stands between every caller and this field: its validators run here.
    ArticleNotice._meta.get_field("reason").run_validators(reason)
    with transaction.atomic():
        if kind == NoticeKind.RETRACTION:
            # fire() locks the row, checks who and from which state, and audits.
            locked = article.fire("retract", by=editor, comment=reason, seen_state=seen_state)
        else:
            locked = Article.objects.select_for_update().get(pk=article.pk)
            if not is_handling_editor(editor, locked):
                raise PermissionDenied(
                    "You are an author of this article, so another editor must publish its notices."
                    if is_editor(editor)
                    else "Only editors can publish corrections, updates and retractions."
                )
            if seen_state is not None and locked.state != seen_state:
                raise ArticleChanged(
                    f"This article was changed by someone else (it is now "
                    f"“{locked.get_state_display()}”). Reload the page and check "
                    f"before you publish the notice."
                )
            if locked.published_revision_id is None or locked.state == ArticleState.RETRACTED:
                raise TransitionRefused(
                    [
                        "Notices go on published articles; this one has no published text "
                        "readers can see."
                    ]
                )
            AuditEntry.note(
                locked, editor, NOTICE_ACTIONS[kind], reason, revision=locked.published_revision
            )
        notice = ArticleNotice.objects.create(
            article=locked,
            revision_id=locked.published_revision_id,
            kind=kind,
            reason=reason,
            issued_by=editor,
        )
        notice_issued.send(sender=ArticleNotice, article=locked, notice=notice)
    return notice


def _message_text(text: str) -> str:
    """The message as it will be kept, or ValidationError saying what is wrong."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write your message before sending it."})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"A message holds at most {MESSAGE_MAX_LENGTH:,} characters; "
                f"this one has {len(text):,}. Split it into two."
            }
        )
    # No form stands between every caller and this field: its validators run here.
    DiscussionMessage._meta.get_field("text").run_validators(text)
    return text


def _discussion_action(discussion: Discussion, step: str) -> str:
    """The audit action of a step in the thread. Authors see the steps of
    the thread they are in; every other audience's steps are review records
    (`REVIEWER_PRIVATE_ACTIONS`), so authors never learn of a reviewer's,
    the board's or the editors' own threads, nor who wrote in them."""
    side = (
        "discussion" if discussion.audience == DiscussionAudience.AUTHORS else "review_discussion"
    )
    return f"{side}_{step}"


def _message_add(discussion: Discussion, user, text: str, *, step: str) -> DiscussionMessage:
    article = discussion.article
    message = DiscussionMessage.objects.create(
        discussion=discussion, author=user, text=text, revision_id=article.current_revision_id
    )
    DiscussionReading.objects.update_or_create(
        discussion=discussion, reader=user, defaults={"read_at": message.created_at}
    )
    # Neutral words only: the audit trail is read more widely than any
    # thread (the office log, the board's history), so it never holds what
    # was written.
    AuditEntry.note(
        article,
        user,
        _discussion_action(discussion, step),
        f"{'Started a discussion' if step == 'started' else 'Wrote in a discussion'} "
        f"({discussion.get_audience_display().lower()}).",
    )
    notify(
        discussion.people_to_tell(),
        kind="discussion_message",
        subject=f"New message in “{discussion.subject}” about “{article.title}”",
        link=discussion.get_absolute_url(),
        body=f"{user} wrote:\n\n{text}",
        actor=user,
    )
    return message


def discussion_start(
    *, article: Article, user, audience: str, reviewer=None, subject: str, text: str
) -> Discussion:
    """Start a thread about `article` with its first message. Anyone may
    start a thread they are in themselves (`rules.startable_audiences`,
    `rules.discussion_start_problem` says why not); the audience, and the
    reviewer of a one-reviewer thread, never change afterwards. Everyone
    else in it is told (inbox, and email by their choice), after commit."""
    subject = " ".join((subject or "").split())
    problems = {}
    if not subject:
        problems["subject"] = "Give the discussion a subject, so others know what it is about."
    elif len(subject) > SUBJECT_MAX_LENGTH:
        problems["subject"] = f"Keep the subject under {SUBJECT_MAX_LENGTH} characters."
    try:
        text = _message_text(text)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    if problems:
        raise ValidationError(problems)
    Discussion._meta.get_field("subject").run_validators(subject)
    if audience != DiscussionAudience.REVIEWER:
        reviewer = None
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if problem := discussion_start_problem(user, locked, audience, reviewer):
            raise PermissionDenied(problem)
        discussion = Discussion.objects.create(
            article=locked, audience=audience, reviewer=reviewer, subject=subject, started_by=user
        )
        _message_add(discussion, user, text, step="started")
    return discussion


def discussion_post(*, discussion: Discussion, user, text: str) -> DiscussionMessage:
    """Add `user`'s message to the thread: everyone who reads a thread may
    write in it (`rules.may_read_discussion`). The message is tied to the
    article's current revision, is never changed afterwards (a correction
    is a new message), and everyone else in the thread is told, after
    commit."""
    text = _message_text(text)
    with transaction.atomic():
        locked = Discussion.objects.select_related("article", "reviewer").get(pk=discussion.pk)
        # The article's row is locked so the revision the message is tied to
        # is the current one until the message is written.
        locked.article = Article.objects.select_for_update().get(pk=locked.article_id)
        if not may_read_discussion(user, locked):
            raise PermissionDenied("Only the people in this discussion can write in it.")
        return _message_add(locked, user, text, step="message")


def discussion_mark_read(*, discussion: Discussion, user) -> None:
    """Remember that `user` has read the thread up to now (for its count of
    new messages), and that their inbox notices of it are read. Not
    audited: reading changes nothing on record."""
    DiscussionReading.objects.update_or_create(
        discussion=discussion, reader=user, defaults={"read_at": timezone.now()}
    )
    mark_read(user, discussion.get_absolute_url())


def revision_due_date_change(
    *, article: Article, editor, due_date: datetime.date, reason: str
) -> Article:
    """An editor who may handle the article moves the date the authors'
    revised draft is due, while changes are requested, and says why. The
    reminders follow the new date (`articles.reminders`); the authors are
    told."""
    if not reason.strip():
        raise ValidationError({"reason": "Please tell the authors why the date changes."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past; choose a later date."})
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        require_due_date_editor(editor, locked)
        if locked.state != ArticleState.CHANGES_REQUESTED:
            raise ArticleChanged(
                f"The authors' revision is no longer awaited (the article is "
                f"“{locked.get_state_display()}”), so there is no due date to change."
            )
        if due_date == locked.revision_due_date:
            raise ValidationError({"due_date": "That is already the due date."})
        old = locked.revision_due_date
        locked.revision_due_date = due_date
        locked.save(update_fields=["revision_due_date", "updated_at"])
        was = f" (was {old:%-d %b %Y})" if old else ""
        text = f"The revised draft is now due {due_date:%-d %b %Y}{was}."
        AuditEntry.note(locked, editor, "revision_due_date_changed", f"{text} {reason.strip()}")
        notify(
            locked.authors.all(),
            kind="revision_due_date_changed",
            subject=f"Your revision of “{locked}” is now due {due_date:%-d %b %Y}",
            body=f"{text}\n\n{reason.strip()}",
            link=locked.get_absolute_url(),
            actor=editor,
        )
    return locked


# -- The retraction watch ------------------------------------------------
# Every day (reader/tasks.py) each PMID and DOI cited by a published revision
# is looked up again: PubMed's "Retracted Publication" type and its
# comments-and-corrections links, Crossref's `updated-by` notices (the
# publisher's and those Crossref took from Retraction Watch). What is found
# becomes one SourceAlert per reference and kind, audited, told to the
# people the article concerns, shown to editors and marked for readers.

# An answer older than this is asked for again. The watch runs daily, so a
# notice published since yesterday is seen; an answer the submission check
# fetched this morning is fresh enough.
WATCH_FRESH_WITHIN = datetime.timedelta(hours=12)

# What the people an article concerns are told, by kind.
ALERT_SUBJECTS = {
    SourceAlertKind.RETRACTION: "A study cited in “{title}” was retracted",
    SourceAlertKind.CORRECTION: "A study cited in “{title}” was corrected",
    SourceAlertKind.EXPRESSION_OF_CONCERN: (
        "The journal of a study cited in “{title}” published an expression of concern"
    ),
}

Lookup = Callable[[str, str], "sources.SourceRecord"]


def watch_lookup(kind: str, identifier: str) -> "sources.SourceRecord":
    """Ask PubMed (`kind` "pmid") or Crossref ("doi") for a fresh answer."""
    if kind == "pmid":
        return sources.lookup_pmid(identifier, fresh_within=WATCH_FRESH_WITHIN)
    return sources.lookup_doi(identifier, fresh_within=WATCH_FRESH_WITHIN)


@dataclass
class WatchReport:
    """What one run of the watch did."""

    asked: int = 0  # identifiers looked up (each once, however many cite it)
    raised: list = field(default_factory=list)  # the SourceAlerts raised
    unavailable: list = field(default_factory=list)  # could not be asked: next run retries
    not_found: list = field(default_factory=list)


def _identifiers(reference: Reference) -> list[tuple[str, str]]:
    found = []
    if (pmid := reference.pmid.strip()).isdigit():
        found.append(("pmid", pmid))
    if (doi := reference.doi.strip()).startswith("10."):
        found.append(("doi", doi))
    return found


def _is_better(update, than) -> bool:
    # A dated notice says more than an undated one; of two dated ones the
    # first is when the study's standing changed.
    if than.date is None:
        return update.date is not None
    return update.date is not None and update.date < than.date


def source_updates_found(records: Iterable["sources.SourceRecord"]) -> dict:
    """{kind: the notice to show} from what PubMed and Crossref said about
    one study; PubMed's "Retracted Publication" type without a linked
    notice still counts as a retraction (with no date)."""
    best: dict = {}
    for record in records:
        updates = list(record.updates)
        if record.retracted and not any(u.kind == SourceAlertKind.RETRACTION for u in updates):
            updates.append(
                sources.SourceUpdate(
                    kind=SourceAlertKind.RETRACTION.value, date=None, notice="", source="pubmed"
                )
            )
        for update in updates:
            if update.kind not in SourceAlertKind.values:
                continue
            if update.kind not in best or _is_better(update, best[update.kind]):
                best[update.kind] = update
    return best


def source_alerts_record(
    *, reference: Reference, records: Sequence["sources.SourceRecord"], today: datetime.date
) -> list[SourceAlert]:
    """Raise an alert on `reference` for each retraction, correction or
    expression of concern the `records` (what PubMed and Crossref said about
    the study it cites) hold and no earlier run raised, while the reference
    belongs to its article's published revision. Each is audited, marks the
    reference on the public page and is told to the article's authors and
    editors; a retraction brings the next review forward to `today` when the
    policy says so (audited too). Running it again with the same records
    changes nothing. Returns the alerts raised now."""
    found = source_updates_found(records)
    if not found:
        return []
    raised, moved = [], False
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=reference.revision.article_id)
        if article.published_revision_id != reference.revision_id:
            return []  # a newer revision was published since the references were read
        known = set(SourceAlert.objects.filter(reference=reference).values_list("kind", flat=True))
        for kind, update in sorted(found.items(), key=lambda item: SOURCE_ALERT_SEVERITY[item[0]]):
            if kind in known:
                continue
            try:
                with transaction.atomic():
                    alert = SourceAlert.objects.create(
                        article=article,
                        reference=reference,
                        kind=kind,
                        notice_date=update.date,
                        notice_identifier=update.notice[:200],
                        source=update.source[:60],
                        found_at=timezone.now(),
                    )
            except IntegrityError:
                continue  # another run raised it a moment ago
            AuditEntry.note(
                article,
                None,
                "source_alert_raised",
                f"{alert.editor_sentence} (found by {alert.source}"
                + (f", notice {alert.notice_identifier}" if alert.notice_identifier else "")
                + ").",
                revision=article.published_revision,
            )
            if kind == SourceAlertKind.RETRACTION:
                moved = _bring_review_forward(article, alert, today)
            source_alert_changed.send(sender=SourceAlert, article=article, alert=alert)
            raised.append(alert)
        if raised:
            _tell_about_alerts(article, raised, moved=moved)
    return raised


def _bring_review_forward(article: Article, alert: SourceAlert, today: datetime.date) -> bool:
    """Make the next review due today, if the policy asks for it and it was later."""
    if not EditorialPolicy.current().retraction_brings_review_forward:
        return False
    if article.next_review_due is not None and article.next_review_due <= today:
        return False
    was = article.next_review_due
    article.next_review_due = today
    article.save(update_fields=["next_review_due", "updated_at"])
    AuditEntry.note(
        article,
        None,
        "next_review_brought_forward",
        f"Next review now due {today:%-d %b %Y}"
        + (f" (was {was:%-d %b %Y})" if was else "")
        + f": the study cited as reference {alert.reference.position} was retracted. "
        "The editorial policy brings the review forward when that happens.",
        revision=article.published_revision,
    )
    return True


def _tell_about_alerts(article: Article, alerts: list[SourceAlert], *, moved: bool) -> None:
    """One message per study to its article's authors and editors, however
    many notices were found about it at once (named by the most serious)."""
    alerts = sorted(alerts, key=lambda alert: alert.severity)
    subject = ALERT_SUBJECTS[alerts[0].kind].format(title=article.title)
    body = " ".join(alert.editor_sentence for alert in alerts)
    if moved:
        body += " Its next review is now due today."
    notify(
        article.authors.all(),
        kind="source_alert_raised",
        subject=subject,
        body=body + " The editors will look at what it means for the article.",
        link=handoffs.workspace(article),
    )
    notify(
        article.editors_to_notify(),
        kind="source_alert_raised",
        subject=subject,
        body=body,
        link=reverse("office:source_alert", args=[alerts[0].pk]),
    )


def source_alerts_check(
    *, articles, lookup: Lookup = watch_lookup, today: datetime.date | None = None
) -> WatchReport:
    """Look up every PMID and DOI cited by the published revisions of
    `articles` (each identifier once per run, however many references cite
    it) and raise what is new (`source_alerts_record`). An identifier that
    cannot be asked (network down, service busy) is logged and skipped: the
    others go on and the next run asks again. Nothing is written for a
    study with no notices."""
    today = today or timezone.localdate()
    report = WatchReport()
    references = (
        Reference.objects.filter(revision__in=articles.values("published_revision"))
        .exclude(pmid="", doi="")
        .select_related("revision")
        .order_by("revision_id", "position")
    )
    answers: dict[tuple[str, str], object] = {}
    for reference in references:
        records = []
        for kind, identifier in _identifiers(reference):
            key = (kind, identifier.lower())
            if key not in answers:
                report.asked += 1
                try:
                    answers[key] = lookup(kind, identifier)
                except sources.SourceNotFound:
                    answers[key] = None
                    report.not_found.append(f"{kind}:{identifier}")
                except sources.SourceUnavailable as exc:
                    answers[key] = None
                    report.unavailable.append(f"{kind}:{identifier}")
                    logger.warning("Retraction watch: %s %s not checked: %s", kind, identifier, exc)
            if answers[key] is not None:
                records.append(answers[key])
        if records:
            report.raised += source_alerts_record(reference=reference, records=records, today=today)
    return report


def source_alert_clear(*, alert: SourceAlert, editor, reason: str) -> SourceAlert:
    """An editor who may handle the article (`rules.may_clear_source_alert`)
    clears an alert with a reason: it leaves the queue and the reference is
    no longer marked for readers. The alert stays on record, the clearing
    is audited and the article's authors and editors are told. Raises
    PermissionDenied, ValidationError (no reason) and TransitionRefused
    (already cleared)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Please say why the alert can be cleared."})
    try:
        SourceAlert._meta.get_field("clear_reason").run_validators(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    with transaction.atomic():
        locked = (
            SourceAlert.objects.select_for_update(of=("self",))
            .select_related("reference")
            .get(pk=alert.pk)
        )
        article = Article.objects.select_for_update().get(pk=locked.article_id)
        if problem := source_alert_clear_problem(editor, article):
            raise PermissionDenied(problem)
        if locked.cleared_at is not None:
            raise TransitionRefused(
                [
                    f"{locked.cleared_by} already cleared this alert on "
                    f"{locked.cleared_at:%-d %b %Y}."
                ]
            )
        locked.cleared_at = timezone.now()
        locked.cleared_by = editor
        locked.clear_reason = reason
        locked.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
        AuditEntry.note(
            article,
            editor,
            "source_alert_cleared",
            f"Cleared: {locked.editor_sentence} Reason: {reason}",
            revision=locked.reference.revision,
        )
        notify(
            [*article.authors.all(), *article.editors_to_notify()],
            kind="source_alert_cleared",
            subject=f"Alert cleared on “{article.title}”",
            body=f"{editor} cleared the alert “{locked.editor_sentence}”\n\n{reason}",
            link=handoffs.workspace(article),
            actor=editor,
        )
        source_alert_changed.send(sender=SourceAlert, article=article, alert=locked)
    return locked


# ---------------------------------------------------------------------------
# References: filling them in from PubMed or Crossref, and the check at
# submission (articles/reference_checks.py).

FILLED_FIELDS = {"authors": "authors", "title": "title", "journal": "journal", "year": "year"}


@dataclass(frozen=True)
class ReferenceFill:
    """One editor row after "Fill in from PubMed/Crossref": the fields to
    show (the author's own, with the empty ones filled) and what happened."""

    index: int
    fields: dict
    outcome: str  # "filled", "checked", "not_found", "unavailable"
    message: str


def references_fill(*, user, article: Article | None, rows: dict[int, dict]) -> list[ReferenceFill]:
    """Look up the rows (editor row index -> fields) that have a PMID or
    DOI and fill their empty authors, title, journal and year; everything
    the author typed stays. Writes nothing but the lookup cache: the draft
    stores the record when it is saved. Only people who may edit the draft
    (or, for a new article, write one) may ask."""
    allowed = may_edit(user, article) if article is not None else may_write_articles(user)
    if not allowed:
        raise PermissionDenied("Only the article's authors can fill in its references.")
    if not lookups_enabled():
        raise ValidationError("Looking references up is switched off on this server.")
    results = []
    unavailable = ""
    with SourceClient() as client:
        for index, fields in rows.items():
            probe = Reference(**{name: fields.get(name) or "" for name in ("pmid", "doi")})
            if not has_identifier(probe):
                continue
            name = reference_checks.service_name(probe)
            label = f"Reference row {index + 1}"
            if unavailable:
                results.append(ReferenceFill(index, fields, "unavailable", unavailable % label))
                continue
            try:
                record = lookup(probe, client=client)
            except SourceNotFound as exc:
                results.append(
                    ReferenceFill(index, fields, "not_found", f"{label}: {exc} Check the number.")
                )
                continue
            except LookupsSwitchedOff:
                raise
            except SourceUnavailable:
                unavailable = (
                    f"%s: {name} could not be reached just now, so nothing was filled in. "
                    "Try again in a few minutes; what you typed is kept."
                )
                results.append(ReferenceFill(index, fields, "unavailable", unavailable % label))
                continue
            found = {**record.as_stored(), "authors": ", ".join(record.authors)}
            filled = {
                field: found[field]
                for field in FILLED_FIELDS
                if not fields.get(field) and found.get(field)
            }
            merged = {**fields, **filled}
            if filled:
                names = [FILLED_FIELDS[f] for f in filled]
                listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
                message = f"{label}: filled in the {listed} from {name}."
                outcome = "filled"
            else:
                message = f"{label}: nothing was empty; {name}'s record was compared."
                outcome = "checked"
            entered = Reference(
                title=merged.get("title") or "",
                authors=merged.get("authors") or "",
                year=merged.get("year") or None,
            )
            if problems := mismatches(entered, record, label=label):
                message += " " + " ".join(problems)
            results.append(ReferenceFill(index, merged, outcome, message))
    return results


SUBMIT_ACTIONS = ("submit", "resubmit")


def article_submit(
    *, article: Article, by, action: str = "submit", comment: str = "", seen_state=None
) -> Article:
    """Submit (or resubmit) the open draft after checking its references
    against PubMed and Crossref. The lookups run first, outside the
    transaction; then, in one transaction, the fetched records are stored on
    the references, the draft is frozen (Article.fire) and each check is
    recorded. With the policy's `reference_problems_block`, a reference that
    does not resolve or differs from its record refuses the submission
    (TransitionRefused naming each one, audited). A service that cannot be
    reached never blocks: those checks are queued for later."""
    if action not in SUBMIT_ACTIONS:
        raise ValueError(f"{action} is not a submission.")
    spec = Article.transition_spec(action)
    if not spec.has_perm(article, by):
        raise PermissionDenied(
            transition_refusal(spec.permission, spec.custom.get("label", action), by, article)
        )
    revision = article.current_revision
    checked = (
        lookups_enabled()
        and revision is not None
        and not revision.is_frozen
        and can_proceed(getattr(article, action), check_conditions=False)
    )
    outcomes = reference_checks.check_references(revision.references.all()) if checked else {}
    problems = [p for outcome in outcomes.values() if outcome.blocks for p in outcome.problems]
    if problems and EditorialPolicy.current().reference_problems_block:
        AuditEntry.note(
            article,
            by,
            "submission_refused_references",
            (reference_checks.summary(outcomes.values()) + " " + " ".join(problems))[:5000],
        )
        raise TransitionRefused(
            [
                "The editorial policy asks that every reference with a PMID or DOI match "
                "its record before submission. Correct these and submit again:",
                *problems,
            ]
        )
    with transaction.atomic():
        for reference_id, outcome in outcomes.items():
            if outcome.record is not None:
                Reference.objects.filter(pk=reference_id, revision=revision).update(
                    source_record=outcome.record.as_stored()
                )
        article = article.fire(action, by=by, comment=comment, seen_state=seen_state)
        if outcomes:
            present = set(revision.references.values_list("pk", flat=True))
            reference_checks.save_outcomes(
                {pk: outcome for pk, outcome in outcomes.items() if pk in present}
            )
            AuditEntry.note(
                article,
                by,
                "references_checked",
                (reference_checks.summary(outcomes.values()) + " " + " ".join(problems))[:5000],
            )
            if ReferenceCheck.objects.filter(
                reference__revision=revision, status__in=UNSETTLED_CHECK_STATUSES
            ).exists():
                enqueue_on_commit(reference_checks.check_revision_references, revision.pk)
    return article
