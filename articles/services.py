import datetime
import logging
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.notifications import mark_read, notify
from accounts.rules import is_editor, may_write_articles, require_editor
from core import outbox

from . import handoffs
from .models import (
    AUDIENCE_FIELDS,
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
    Revision,
    TransitionRefused,
)
from .models.discussion import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH
from .rules import (
    discussion_start_problem,
    draft_deletion_problem,
    is_author_of,
    is_handling_editor,
    may_read_discussion,
    require_due_date_editor,
)
from .signals import notice_issued, rereview_opened

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
    Reference.objects.bulk_create(
        Reference(
            revision=revision,
            position=position,
            **{f: ref[f] for f in REFERENCE_FIELDS if f in ref},
        )
        for position, ref in enumerate(references, start=1)
    )


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
