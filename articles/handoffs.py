"""Who hears of each article hand-off that needs no review records: the
editors (`Article.editors_to_notify`: the handling editor when one is set)
of submissions, resubmissions, withdrawals, board returns and reader
messages; the authors of a rejection without review, the approval and every
correction, update or retraction notice. Review-side hand-offs (invitations,
replies, reviews, decisions, the board's turn, reviewers' thanks) are in
reviews/notifications.py.

Receivers of the workflow's signals, connected in ArticlesConfig.ready():
they run inside the action's transaction, so a rolled-back action tells
nobody (accounts.notifications.notify). The actor is never told."""

from django.urls import reverse

from accounts.notifications import notify

from .models import Article


def workspace(article: Article) -> str:
    return reverse("articles:workspace", args=[article.pk])


def _title(article: Article) -> str:
    revision = article.current_revision
    return revision.title if revision is not None else article.title


def take_charge_on_review(article: Article, actor) -> None:
    """The editor who starts the review becomes its handling editor when
    nobody is yet (an editor takes over later on the workspace). The
    transition's own audit entry, by this editor, records it."""
    if article.handling_editor_id is not None:
        return
    Article.objects.filter(pk=article.pk, handling_editor__isnull=True).update(
        handling_editor=actor
    )
    article.handling_editor = actor


# Transition -> (kind, subject, whether the actor's comment goes in the body),
# told to the article's editors or to its authors.
EDITOR_HANDOFFS = {
    "submit": ("article_submitted", "New submission: “{title}”", False),
    "resubmit": ("article_resubmitted", "Revised version submitted: “{title}”", False),
    "return_to_editor": (
        "article_returned",
        "The Advisory Board returned “{title}” to the editor",
        True,
    ),
    "withdraw": ("article_withdrawn", "The authors withdrew “{title}”", False),
}
AUTHOR_HANDOFFS = {
    "desk_reject": ("article_desk_rejected", "Not sent for review: “{title}”", True),
    "approve": ("article_approved", "Approved and published: “{title}”", False),
}


def follow_the_workflow(sender, *, article, name, actor, comment, **kwargs) -> None:
    if name == "start_review":
        take_charge_on_review(article, actor)
    if name in EDITOR_HANDOFFS:
        kind, subject, show_comment = EDITOR_HANDOFFS[name]
        recipients = article.editors_to_notify()
    elif name in AUTHOR_HANDOFFS:
        kind, subject, show_comment = AUTHOR_HANDOFFS[name]
        recipients = list(article.authors.all())
    else:
        return
    revision = article.current_revision
    body = f"Revision {revision.number}." if revision is not None else ""
    if show_comment and comment:
        body = f"{body}\n\n{comment}".strip()
    notify(
        recipients,
        kind=kind,
        subject=subject.format(title=_title(article)),
        body=body,
        link=workspace(article),
        actor=actor,
    )


def tell_authors_of_notice(sender, *, article, notice, **kwargs) -> None:
    """A correction, update or retraction on the published text: its authors hear."""
    notify(
        article.authors.all(),
        kind="article_notice",
        subject=f"{notice.get_kind_display()} published on “{article.title}”",
        body=notice.reason,
        link=workspace(article),
        actor=notice.issued_by,
    )


def tell_editors_of_reader_message(question) -> None:
    """A reader's question or report on a published article: its editors hear
    (called by articles.services.reader_question_receive)."""
    article = question.article
    what = "reported an error in" if question.kind == question.Kind.ERROR else "asked about"
    text = question.question
    notify(
        article.editors_to_notify(),
        kind="reader_question",
        subject=f"A reader {what} “{article.title}”",
        body=text[:300] + ("…" if len(text) > 300 else ""),
        link=reverse("office:questions"),
    )
