from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from .models import (
    AUDIENCE_FIELDS,
    Article,
    ArticleChanged,
    ArticleState,
    AuditEntry,
    Reference,
    Revision,
    TransitionRefused,
    unique_slug_for,
)

REFERENCE_FIELDS = ("authors", "title", "journal", "year", "pmid", "doi", "url")


def _audience_fields(versions: dict | None) -> dict:
    versions = versions or {}
    return {name: versions.get(name) or "" for name in AUDIENCE_FIELDS}


def _add_references(revision: Revision, references: Sequence[dict]) -> None:
    Reference.objects.bulk_create(
        Reference(revision=revision, position=position, **{f: ref[f] for f in REFERENCE_FIELDS})
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
) -> Article:
    """Start a new article as a draft with revision 1, written by `author`.
    `audience_versions` may hold patient_/student_ summary and body texts."""
    if not author.has_perm("accounts.write_articles"):
        raise PermissionDenied("Only people with the Author role can start articles.")
    with transaction.atomic():
        article = Article.objects.create(
            title=title, slug=unique_slug_for(title), primary_audience=primary_audience
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
        if not locked.has_author(author):
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
        for name, value in _audience_fields(audience_versions).items():
            setattr(revision, name, value)
        revision.save()
        revision.references.all().delete()
        _add_references(revision, references)
        revision.refresh_hash()

        locked.current_revision = revision
        if locked.published_revision is None:
            # A published article keeps its public title and audience until
            # the new revision is approved (approve() copies them over).
            locked.title = title
            locked.primary_audience = primary_audience
        locked.save()
    return revision


def articles_open_due_reviews(*, today) -> list[Article]:
    """Flag published articles whose periodic re-review date has come, so they
    show in the editors' queue (and, if the policy says so, publicly as
    overdue). Each article is flagged once, with an audit entry; running it
    again the same day or later changes nothing more."""
    opened = []
    with transaction.atomic():
        due = Article.objects.select_for_update().filter(
            state=ArticleState.APPROVED,
            next_review_due__lte=today,
            rereview_due_since__isnull=True,
        )
        for article in due:
            article.rereview_due_since = today
            article.save(update_fields=["rereview_due_since", "updated_at"])
            AuditEntry.objects.create(
                article=article,
                revision=article.published_revision,
                actor=None,
                action="rereview_due",
                from_state=article.state,
                to_state=article.state,
                comment=f"Periodic re-review was due on {article.next_review_due:%-d %b %Y}.",
            )
            opened.append(article)
    return opened
