"""Version history for readers, and the notices editors put on published
articles: corrections, updates and retractions."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from articles.models import ArticleNotice, ArticleState, AuditEntry
from articles.services import article_notice_issue, revision_save_draft
from articles.text import fingerprints

from .factories import UserFactory, reference

PATIENT_BODY = "## What happens\n\nThe drug can cause numb feet at high doses [1]."
UPDATED_PATIENT_BODY = (
    "## What happens\n\nThe drug can cause numb feet, most often at high doses [1]."
)


def _save_update(article, author, *, change_summary, patient_body, body):
    revision_save_draft(
        article=article,
        author=author,
        seen_hash=article.current_revision.content_hash,
        title=article.title,
        primary_audience="patient",
        summary="Yes, in some people.",
        body=body,
        references=[reference(1)],
        change_summary=change_summary,
        audience_versions={"patient_summary": "Sometimes, yes.", "patient_body": patient_body},
    )
    article.refresh_from_db()
    return article


APPROVAL = ("submit", "start_review", "send_to_board", "sign")


@pytest.fixture
def published(draft, advance, author, policy):
    """Version 1, approved and signed by one board member (Bo Board, MD)."""
    article = _save_update(
        draft,
        author,
        change_summary="",
        patient_body=PATIENT_BODY,
        body="## Mechanism\n\nAxonal injury is dose related [1].",
    )
    return advance(article, *APPROVAL)


@pytest.fixture
def updated(published, advance, author):
    """Version 2 approved over version 1: the dosing section revised."""
    article = _save_update(
        published,
        author,
        change_summary="Dosing section revised",
        patient_body=UPDATED_PATIENT_BODY,
        body="## Mechanism\n\nAxonal injury is dose related and cumulative [1].",
    )
    return advance(article, *APPROVAL)


def _get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def _text(response) -> str:
    return response.content.decode()


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# -- Version history -----------------------------------------------------------


def test_history_lists_every_approved_version_newest_first(client, updated):
    response = _get(client, "reader:history", updated.slug)
    text = _text(response)
    assert response.status_code == 200
    assert text.index("Version 2") < text.index("Version 1")
    assert "Dosing section revised" in text and "First published version." in text
    assert text.count("Bo Board, MD") == 2  # the signer, with credentials, on each
    for number in (1, 2):
        revision = updated.revisions.get(number=number)
        assert f"{fingerprints.short(revision.content_hash)}…" in text  # short for people
        assert f'title="{revision.content_hash}"' in text  # whole on demand
        assert f"{revision.approved_at:%-d %B %Y}" in text
    assert reverse("reader:version", args=[updated.slug, 1]) in text


def test_superseded_version_is_marked_not_indexed_and_points_to_the_current_one(client, updated):
    response = _get(client, "reader:version", updated.slug, 1, audience="patient")
    text = _text(response)
    current = reverse("reader:public", args=[updated.slug])
    assert response.status_code == 200
    assert "You are reading an earlier version" in text
    assert f'<link rel="canonical" href="http://testserver{current}">' in text
    assert '<meta name="robots" content="noindex">' in text
    assert f'href="{current}">read the current version</a>' in text
    # In the reader's level, with the text of version 1, not version 2.
    assert "at high doses" in text and "most often" not in text
    assert "Bo Board, MD" in text


def test_superseded_version_falls_back_to_the_professional_text_for_other_levels(client, updated):
    text = _text(_get(client, "reader:version", updated.slug, 1, audience="student"))
    assert "Axonal injury is dose related" in text
    assert "no separate text for your reading level" in text


def test_the_current_version_number_leads_to_the_article_page(client, updated):
    response = _get(client, "reader:version", updated.slug, 2)
    assert response.status_code == 302
    assert response["Location"] == reverse("reader:public", args=[updated.slug])


def test_drafts_and_declined_revisions_are_not_in_the_history(
    client, updated, advance, author, editor
):
    # Revision 3 is declined at the desk; revision 4 is an open draft.
    article = _save_update(
        updated,
        author,
        change_summary="Try",
        patient_body="## A\n\nNew [1].",
        body="## B\n\nX [1].",
    )
    article = advance(article, "submit", "desk_reject")
    assert article.state == ArticleState.APPROVED
    article = _save_update(
        article,
        author,
        change_summary="Draft",
        patient_body="## C\n\nD [1].",
        body="## E\n\nF [1].",
    )
    assert article.current_revision.number == 4
    for number in (3, 4, 99):
        assert _get(client, "reader:version", article.slug, number).status_code == 404
    history = _text(_get(client, "reader:history", article.slug))
    assert "Version 3" not in history and "Version 4" not in history
    compare = _get(client, "reader:compare", article.slug, old=3, new=2)
    assert compare.status_code == 400


def test_articles_never_approved_have_no_history(client, draft, advance, policy):
    assert _get(client, "reader:history", draft.slug).status_code == 404
    in_review = advance(draft, "submit", "start_review")
    assert _get(client, "reader:history", in_review.slug).status_code == 404
    assert _get(client, "reader:version", in_review.slug, 1).status_code == 404
    assert _get(client, "reader:compare", in_review.slug).status_code == 404


def test_comparison_shows_what_changed_in_the_readers_level(client, updated):
    response = _get(client, "reader:compare", updated.slug, old=1, new=2, audience="patient")
    text = _text(response)
    assert response.status_code == 200
    assert "Dosing section revised" in text
    assert re.search(r"<ins>.*most.*</ins>", text)
    assert re.search(r'<label\s+for="id_old"', text) and re.search(r'<label\s+for="id_new"', text)
    professional = _text(
        _get(client, "reader:compare", updated.slug, old=1, new=2, audience="professional")
    )
    assert re.search(r"<ins>.*cumulative.*</ins>", professional)


def test_comparison_refuses_a_version_that_was_not_approved(client, updated):
    response = _get(client, "reader:compare", updated.slug, old=7, new=2)
    text = _text(response)
    assert response.status_code == 400
    assert "Version 7 is not an approved version of this article" in text
    assert "<ins>" not in text


def test_comparison_without_a_choice_offers_the_form(client, updated):
    response = _get(client, "reader:compare", updated.slug)
    assert response.status_code == 200
    assert "Show what changed" in _text(response)


def test_article_page_says_when_it_was_updated_and_links_its_history(client, published, advance):
    first = _text(_get(client, "reader:public", published.slug))
    assert "Version history" in first and "Updated " not in first
    article = _save_update(
        published,
        published.authors.get(),
        change_summary="Dosing section revised",
        patient_body=UPDATED_PATIENT_BODY,
        body="## Mechanism\n\nCumulative [1].",
    )
    article = advance(article, *APPROVAL)
    text = _text(_get(client, "reader:public", article.slug))
    history = reverse("reader:history", args=[article.slug])
    approved = article.published_revision.approved_at
    assert re.search(
        rf'<a href="{history}">Updated <time[^>]*>{approved:%-d %B %Y}</time>: '
        r"Dosing section revised</a>",
        text,
    )


def test_history_pages_cost_the_same_however_many_versions(
    client, updated, advance, author, django_assert_max_num_queries
):
    def visit():
        _get(client, "reader:history", updated.slug)
        _get(client, "reader:version", updated.slug, 1, audience="patient")
        _get(client, "reader:compare", updated.slug, old=1, new=2)

    with django_assert_max_num_queries(6):
        _get(client, "reader:history", updated.slug)
    with django_assert_max_num_queries(6):
        _get(client, "reader:version", updated.slug, 1, audience="patient")
    with django_assert_max_num_queries(6):
        _get(client, "reader:compare", updated.slug, old=1, new=2)
    article = updated
    for n in range(3):
        article = _save_update(
            article,
            author,
            change_summary=f"Round {n}",
            patient_body=f"P{n} [1].",
            body=f"B{n} [1].",
        )
        article = advance(article, *APPROVAL)
    article_notice_issue(
        article=article, editor=UserFactory(roles=[Role.EDITOR]), kind="update", reason="News."
    )
    with django_assert_max_num_queries(6):
        response = _get(client, "reader:history", article.slug)
    assert _text(response).count("badge text-bg-secondary") == 4  # four superseded versions
    with django_assert_max_num_queries(6):
        _get(client, "reader:version", article.slug, 1, audience="patient")
    with django_assert_max_num_queries(6):
        _get(client, "reader:compare", article.slug, old=1, new=5)


def test_a_hostile_reading_level_on_a_version_page_gives_the_default(client, updated):
    response = _get(client, "reader:version", updated.slug, 1, audience="nonsense")
    assert response.status_code == 200


# -- Notices: who may publish them ---------------------------------------------


@pytest.fixture
def editor_author(db):
    return UserFactory(username="edauthor", roles=[Role.EDITOR, Role.AUTHOR])


def _notice_url(article) -> str:
    return reverse("articles:notice", args=[article.pk])


NOTICE = {"kind": "correction", "reason": "The dose in the second section was wrong."}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("author", 403),
        ("editor_author", 403),
        ("other_author", 404),
        ("reviewer", 404),
        ("board_member", 403),
        ("stranger", 404),
        ("editor", 302),
    ],
)
def test_only_editors_who_did_not_write_it_may_publish_a_notice(
    client, published, request, editor_author, who, status
):
    if who == "editor_author":
        published.authors.add(editor_author)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    page = client.get(_notice_url(published))
    response = client.post(_notice_url(published), NOTICE)
    assert response.status_code == status
    assert page.status_code == (200 if who == "editor" else status)
    published_notices = ArticleNotice.objects.filter(article=published).count()
    assert published_notices == (1 if who == "editor" else 0)
    if who == "editor_author":
        assert "another editor must publish its notices" in _text(response)
    elif status == 403:
        assert "Only editors can publish corrections, updates and retractions." in _text(response)


def test_the_service_refuses_an_editor_who_wrote_the_article(published, editor_author):
    published.authors.add(editor_author)
    with pytest.raises(PermissionDenied, match="another editor must publish its notices"):
        article_notice_issue(
            article=published, editor=editor_author, kind="correction", reason="Wrong dose."
        )
    with pytest.raises(PermissionDenied):
        article_notice_issue(
            article=published, editor=editor_author, kind="retraction", reason="Wrong dose."
        )
    published.refresh_from_db()
    assert published.state == ArticleState.APPROVED


def test_a_notice_without_a_reason_keeps_the_form_and_says_why(client, published, editor):
    client.force_login(editor)
    response = client.post(_notice_url(published), {"kind": "update", "reason": "   "})
    text = _text(response)
    assert response.status_code == 400
    assert "This field is required." in text
    assert re.search(r'value="update"[^>]*checked', text)
    response = client.post(_notice_url(published), {"reason": "Kept words."})
    assert response.status_code == 400
    assert "Kept words." in _text(response)
    assert not ArticleNotice.objects.exists()


def test_no_notice_on_an_article_that_was_never_published(client, draft, advance, editor):
    in_review = advance(draft, "submit", "start_review")
    client.force_login(editor)
    response = client.post(_notice_url(in_review), NOTICE)
    assert response.status_code == 409
    assert "Notices go on published articles" in _text(response)
    assert not ArticleNotice.objects.exists()


# -- Notices: what readers see ---------------------------------------------------


@pytest.mark.parametrize("kind", ["correction", "update"])
def test_corrections_and_updates_show_at_the_top_and_are_audited(client, published, editor, kind):
    client.force_login(editor)
    response = client.post(_notice_url(published), {"kind": kind, "reason": "Dose fixed."})
    assert response.status_code == 302
    client.logout()
    text = _text(_get(client, "reader:public", published.slug))
    notice = ArticleNotice.objects.get()
    label = notice.get_kind_display()
    assert re.search(rf"<strong>{label}</strong>, <time[^>]*>[^<]+</time>: Dose fixed\.", text)
    assert text.index(label) < text.index('class="article-body"')
    assert "Approved by the Medical Advisory Board" in text  # still approved
    entry = AuditEntry.objects.get(action=f"{kind}_published")
    assert (entry.actor, entry.comment, entry.revision) == (
        editor,
        "Dose fixed.",
        published.published_revision,
    )
    assert notice.revision == published.published_revision and notice.issued_by == editor
    feed = _text(client.get(reverse("reader:feed")))
    assert f"<title>{label}: {published.title}</title>" in feed
    assert "Dose fixed." in feed


def test_notices_are_a_record(published, editor):
    notice = article_notice_issue(
        article=published, editor=editor, kind="correction", reason="Wrong dose."
    )
    notice.reason = "Something else."
    with pytest.raises(PermissionDenied):
        notice.save()
    with pytest.raises(PermissionDenied):
        notice.delete()
    with pytest.raises(PermissionDenied):
        ArticleNotice.objects.all().delete()


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def test_a_notice_shows_on_the_next_view_with_the_page_cache_on(
    client,
    published,
    editor,
    page_cache_on,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    _get(client, "reader:public", published.slug)
    with django_assert_max_num_queries(0):  # served whole from the cache
        _get(client, "reader:public", published.slug)
    with django_capture_on_commit_callbacks(execute=True):
        article_notice_issue(article=published, editor=editor, kind="update", reason="New warning.")
    assert "New warning." in _text(_get(client, "reader:public", published.slug))
    home = _text(_get(client, "reader:home"))
    with django_capture_on_commit_callbacks(execute=True):
        article_notice_issue(article=published, editor=editor, kind="retraction", reason="Unsafe.")
    assert "This article has been retracted" in _text(_get(client, "reader:public", published.slug))
    assert published.title in home
    assert published.title not in _text(_get(client, "reader:home"))


def test_the_notice_adds_no_query_to_the_article_page(
    client, published, editor, django_assert_max_num_queries
):
    for n in range(5):
        article_notice_issue(article=published, editor=editor, kind="update", reason=f"News {n}.")
    with django_assert_max_num_queries(8):
        text = _text(_get(client, "reader:level", published.slug, "patient"))
    assert text.count("<strong>Update</strong>") == 5


# -- Retraction ------------------------------------------------------------------


@pytest.fixture
def retracted(client, published, editor):
    client.force_login(editor)
    response = client.post(
        _notice_url(published),
        {"kind": "retraction", "reason": "The main study was withdrawn by its journal."},
    )
    assert response.status_code == 302
    client.logout()
    published.refresh_from_db()
    return published


def test_retraction_keeps_the_page_with_the_notice_above_the_folded_text(client, retracted):
    response = _get(client, "reader:public", retracted.slug)
    text = _text(response)
    assert response.status_code == 200
    assert retracted.state == ArticleState.RETRACTED
    assert "This article has been retracted" in text
    assert "The main study was withdrawn by its journal." in text
    assert text.index("has been retracted") < text.index('<details class="retracted-text')
    folded = text.index('<details class="retracted-text')
    assert folded < text.index('class="article-body"') < text.index("</details>", folded)
    assert '<meta name="robots" content="noindex">' in text
    assert "Approved by the Medical Advisory Board" not in text
    assert "checked for accuracy" not in text
    assert "Not yet fully reviewed" not in text


def test_retraction_is_a_workflow_transition_with_its_audit_entry(client, retracted, editor):
    entry = AuditEntry.objects.get(action="retract")
    assert (entry.actor, entry.from_state, entry.to_state) == (
        editor,
        ArticleState.APPROVED,
        ArticleState.RETRACTED,
    )
    assert entry.comment == "The main study was withdrawn by its journal."
    assert ArticleNotice.objects.get().kind == "retraction"
    # Nothing is deleted: the published text and its history stay.
    assert retracted.published_revision is not None
    assert _get(client, "reader:history", retracted.slug).status_code == 200
    client.force_login(editor)
    workspace = _text(client.get(reverse("articles:workspace", args=[retracted.pk])))
    assert "Retracted" in workspace
    again = client.post(_notice_url(retracted), {"kind": "retraction", "reason": "Again."})
    assert again.status_code == 409
    assert "not possible while the article is “Retracted”" in _text(again)
    correction = client.post(_notice_url(retracted), {"kind": "correction", "reason": "Late."})
    assert correction.status_code == 409


def test_retraction_cannot_skip_its_notice_through_the_plain_action_form(client, published, editor):
    client.force_login(editor)
    response = client.post(
        reverse("articles:transition", args=[published.pk, "retract"]),
        {"comment": "No notice", "seen_state": "approved"},
    )
    assert response.status_code == 302
    assert response["Location"] == _notice_url(published)
    published.refresh_from_db()
    assert published.state == ArticleState.APPROVED


def test_a_retracted_article_leaves_lists_search_and_sitemap(client, published, editor):
    words = {"q": "symptom"}
    assert published.title in _text(_get(client, "reader:home"))
    assert published.title in _text(client.get(reverse("reader:search"), words))
    article_notice_issue(article=published, editor=editor, kind="retraction", reason="Unsafe.")
    assert published.title not in _text(_get(client, "reader:home"))
    assert published.title not in _text(client.get(reverse("reader:search"), words))
    path = reverse("reader:public", args=[published.slug])
    assert path not in _text(client.get("/sitemap.xml"))


def test_the_feed_announces_the_retraction_instead_of_the_approval(client, retracted):
    feed = _text(client.get(reverse("reader:feed")))
    assert f"<title>Retraction: {retracted.title}</title>" in feed
    assert f"<title>{retracted.title}</title>" not in feed
    assert "The main study was withdrawn by its journal." in feed
    assert "#retraction-heading" in feed


def test_json_ld_says_retracted_and_claims_no_review(client, published, editor):
    before = _json_ld(_text(_get(client, "reader:public", published.slug)))
    assert "reviewedBy" in before and "creativeWorkStatus" not in before
    article_notice_issue(article=published, editor=editor, kind="retraction", reason="Unsafe.")
    data = _json_ld(_text(_get(client, "reader:public", published.slug)))
    assert data["creativeWorkStatus"] == "Retracted"
    assert "reviewedBy" not in data and "lastReviewed" not in data


def test_the_approval_record_lists_the_notices_and_the_retraction(client, published, editor):
    article_notice_issue(
        article=published, editor=editor, kind="correction", reason="A dose was misprinted."
    )
    record = _get(client, "reader:approval_record", published.slug).json()
    assert record["retracted"] is False
    assert [(n["kind"], n["reason"]) for n in record["notices"]] == [
        ("correction", "A dose was misprinted.")
    ]
    client.force_login(editor)
    client.post(_notice_url(published), {"kind": "retraction", "reason": "The trial was pulled."})
    client.logout()
    record = _get(client, "reader:approval_record", published.slug).json()
    assert record["retracted"] is True
    assert [n["kind"] for n in record["notices"]] == ["correction", "retraction"]
    assert record["notices"][1]["revision"] == published.published_revision.number


def test_superseded_versions_of_a_retracted_article_say_so(client, updated, editor):
    article_notice_issue(article=updated, editor=editor, kind="retraction", reason="Unsafe.")
    text = _text(_get(client, "reader:version", updated.slug, 1))
    assert "the article has since been retracted" in text


def test_the_board_page_no_longer_lists_a_retracted_article(client, published, editor):
    assert published.title in _text(_get(client, "reader:board"))
    article_notice_issue(article=published, editor=editor, kind="retraction", reason="Unsafe.")
    assert published.title not in _text(_get(client, "reader:board"))
