"""Content lives in immutable revisions; editing after submission makes a new one."""

import pytest
from django.urls import reverse

from articles.models import ArticleState, FrozenRevisionError, Reference, Revision

from .factories import editor_payload, reference


def _edit_payload(revision, **overrides):
    fields = {"title": revision.title, "summary": revision.summary, "body": revision.body}
    fields.update({k: overrides.pop(k) for k in list(overrides) if k in fields})
    return editor_payload(
        **fields, references=[reference(1)], seen_hash=revision.content_hash, **overrides
    )


@pytest.fixture
def submitted(draft, advance):
    return advance(draft, "submit")


def test_submitted_revision_cannot_be_saved_with_new_content(submitted):
    revision = Revision.objects.get(pk=submitted.current_revision_id)
    revision.body = "Quietly changed after review."
    with pytest.raises(FrozenRevisionError):
        revision.save()
    revision.refresh_from_db()
    assert revision.body != "Quietly changed after review."


def test_submitted_revision_cannot_be_deleted_or_bulk_changed(submitted):
    revision = submitted.current_revision
    with pytest.raises(FrozenRevisionError):
        revision.delete()
    with pytest.raises(FrozenRevisionError):
        Revision.objects.filter(pk=revision.pk).update(body="changed")
    with pytest.raises(FrozenRevisionError):
        Revision.objects.filter(pk=revision.pk).delete()
    assert Revision.objects.filter(pk=revision.pk, body=revision.body).exists()


def test_references_of_a_submitted_revision_are_frozen_too(submitted):
    ref = submitted.current_revision.references.get()
    ref.title = "A different study"
    with pytest.raises(FrozenRevisionError):
        ref.save()
    with pytest.raises(FrozenRevisionError):
        ref.delete()
    with pytest.raises(FrozenRevisionError):
        Reference.objects.filter(pk=ref.pk).update(title="x")
    with pytest.raises(FrozenRevisionError):
        Reference.objects.create(revision=submitted.current_revision, position=9, title="Added")
    assert submitted.current_revision.references.count() == 1


def test_content_hash_covers_title_body_and_references(draft):
    revision = draft.current_revision
    original = revision.content_hash
    assert len(original) == 64
    revision.refresh_hash()
    assert revision.content_hash == original  # stable for the same content
    ref = revision.references.get()
    ref.title = "Another title"
    ref.save()
    revision.refresh_hash()
    assert revision.content_hash != original


def test_editing_a_draft_changes_it_in_place(client, author, draft):
    client.force_login(author)
    revision = draft.current_revision
    response = client.post(
        reverse("articles:edit", args=[draft.pk]),
        _edit_payload(revision, body="A better body [1].", title="Can drug X cause Z?"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revisions.count() == 1
    assert draft.current_revision.body == "A better body [1]."
    assert draft.title == "Can drug X cause Z?"


def test_editing_after_changes_requested_creates_a_new_revision(client, author, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes")
    first = article.current_revision
    client.force_login(author)

    page = client.get(reverse("articles:edit", args=[article.pk])).content.decode()
    assert "Saving starts a new draft revision" in page
    response = client.post(
        reverse("articles:edit", args=[article.pk]),
        _edit_payload(first, body="Answered the reviewers [1].", change_summary="Dosing added"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_revision.number == 2
    assert article.current_revision.change_summary == "Dosing added"
    first.refresh_from_db()
    assert first.body == "## Why\n\nBecause of a mechanism [1]."
    assert first.is_frozen and not article.current_revision.is_frozen


def test_authors_cannot_edit_while_the_editors_are_deciding(client, author, submitted):
    client.force_login(author)
    response = client.get(reverse("articles:edit", args=[submitted.pk]))
    assert response.status_code == 403
    assert "cannot be edited now" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("other_author", 404), ("editor", 403), ("stranger", 404)]
)
def test_only_authors_may_edit(client, people, submitted, advance, role, status):
    article = advance(submitted, "start_review", "request_changes")
    client.force_login(people[role])
    response = client.post(
        reverse("articles:edit", args=[article.pk]),
        _edit_payload(article.current_revision, body="Hijacked"),
    )
    assert response.status_code == status
    article.refresh_from_db()
    assert article.revisions.count() == 1


def test_invalid_edit_keeps_the_typed_text(client, author, draft):
    client.force_login(author)
    long_title = "Q" * 301
    response = client.post(
        reverse("articles:edit", args=[draft.pk]),
        _edit_payload(draft.current_revision, title=long_title, body="My careful new paragraph."),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ensure this value has at most 300 characters" in text
    assert "My careful new paragraph." in text
    draft.refresh_from_db()
    assert draft.current_revision.body != "My careful new paragraph."


def test_edit_from_an_outdated_page_is_refused_and_keeps_the_text(client, author, draft):
    client.force_login(author)
    stale = _edit_payload(draft.current_revision, body="My version of the body.")
    # A co-author saves first.
    client.post(
        reverse("articles:edit", args=[draft.pk]),
        _edit_payload(draft.current_revision, body="Their version."),
    )

    response = client.post(reverse("articles:edit", args=[draft.pk]), stale)

    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this article" in text
    assert "My version of the body." in text
    draft.refresh_from_db()
    assert draft.current_revision.body == "Their version."


def test_new_article_form_errors_keep_the_text(client, author):
    client.force_login(author)
    data = _edit_payload(Revision(title="", summary="", body="Body I typed."), title="")
    data["seen_hash"] = ""
    data["refs-0-title"] = ""
    data["refs-0-year"] = "99999"
    response = client.post(reverse("articles:create"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "This field is required." in text
    assert "Body I typed." in text
    assert "Author1 A, Colleague B" in text


def test_author_creates_a_draft_with_references(client, author):
    client.force_login(author)
    data = _edit_payload(
        Revision(title="Does coffee raise blood pressure?", summary="Briefly.", body="Yes [1].")
    )
    data["seen_hash"] = ""
    response = client.post(reverse("articles:create"), data)
    assert response.status_code == 302
    revision = Revision.objects.get(title="Does coffee raise blood pressure?")
    assert revision.article.state == ArticleState.DRAFT
    assert revision.article.slug == "does-coffee-raise-blood-pressure"
    assert list(revision.references.values_list("position", "pmid")) == [(1, "1001")]
    assert revision.article.has_author(author)


@pytest.mark.parametrize("role", ["editor", "reviewer", "board_member", "stranger"])
def test_only_authors_may_start_articles(client, people, role):
    client.force_login(people[role])
    response = client.get(reverse("articles:create"))
    assert response.status_code == 403
    assert "Author role" in response.content.decode()


def test_published_revision_stays_live_while_a_new_one_is_in_review(
    client, author, draft, advance, policy
):
    policy.board_quorum = 1
    policy.save()
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    assert article.state == ArticleState.APPROVED
    live = article.published_revision
    client.force_login(author)

    client.post(
        reverse("articles:edit", args=[article.pk]),
        _edit_payload(live, title="A new question", body="Rewritten [1]."),
    )
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert article.current_revision.number == 2
    assert article.published_revision == live
    assert article.title == live.title  # the public title waits for approval

    article = advance(article, "submit", "start_review")
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.published_revision == live

    article = advance(article, "reject")
    assert article.state == ArticleState.APPROVED
    assert article.published_revision == live
    assert article.approved_at == live.approved_at
