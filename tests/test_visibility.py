"""Which revision of which article a reader may see (reader/visibility.py):
the queryset and the function say the same for every state, and the pages
read what they show with few queries, the policy once."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import EditorialPolicy, PublicFrom, Reference
from reader.models import PublicArticle
from reader.visibility import shown_revision
from reviews.models import BoardSignoff

from .factories import UserFactory, legacy_withdrawn_draft


@pytest.fixture
def every_state(make_article, advance, policy, author):
    """An article at each point of the workflow, with what a reader may see
    of it when the policy shows work in review."""
    approved = advance(
        make_article(title="Approved?"), "submit", "start_review", "send_to_board", "sign"
    )
    update = advance(
        make_article(title="Update in review?"),
        "submit", "start_review", "send_to_board", "sign", "edit", "submit", "start_review",
    )  # fmt: skip
    declined_update = advance(
        make_article(title="Update declined?"),
        "submit", "start_review", "send_to_board", "sign", "edit", "submit", "desk_reject",
    )  # fmt: skip
    changes = advance(
        make_article(title="Changes requested?"), "submit", "start_review", "request_changes"
    )
    changes_drafted = advance(
        make_article(title="Changes drafted?"), "submit", "start_review", "request_changes", "edit"
    )
    articles = {
        "draft": (make_article(title="Draft?"), None),
        "submitted": (advance(make_article(title="Submitted?"), "submit"), "latest"),
        "under_review": (
            advance(make_article(title="Under review?"), "submit", "start_review"),
            "latest",
        ),
        "changes_requested": (changes, "latest"),
        "changes_drafted": (changes_drafted, "latest submitted"),
        "board_review": (
            advance(
                make_article(title="With the board?"), "submit", "start_review", "send_to_board"
            ),
            "latest",
        ),
        "approved": (approved, "published"),
        "update_in_review": (update, "published"),
        "declined_update": (declined_update, "published"),
        "rejected": (advance(make_article(title="Rejected?"), "submit", "desk_reject"), None),
        "withdrawn": (advance(make_article(title="Withdrawn?"), "submit", "withdraw"), None),
        "withdrawn_draft": (
            legacy_withdrawn_draft(make_article(title="Never sent?"), author),
            None,
        ),
    }
    return {
        name: (PublicArticle.objects.get(pk=a.pk), shown) for name, (a, shown) in articles.items()
    }


def _expected(article, shown):
    if shown == "published":
        return article.published_revision
    if shown == "latest":
        return article.current_revision
    if shown == "latest submitted":
        return article.revisions.filter(submitted_at__isnull=False).order_by("-number").first()
    return None


# Which stages of unapproved work each setting shows.
_SHOWN_UNAPPROVED = {
    PublicFrom.APPROVAL: set(),
    PublicFrom.REVIEW: {"under_review", "changes_requested", "changes_drafted", "board_review"},
    PublicFrom.SUBMISSION: {
        "submitted", "under_review", "changes_requested", "changes_drafted", "board_review",
    },
}  # fmt: skip


@pytest.mark.parametrize("public_from", list(PublicFrom), ids=[p.value for p in PublicFrom])
def test_the_queryset_and_the_function_agree_in_every_state(every_state, policy, public_from):
    policy.public_from = public_from
    policy.save()
    public = set(PublicArticle.objects.public(policy).values_list("pk", flat=True))
    approved = set(PublicArticle.objects.public(policy, "approved").values_list("pk", flat=True))
    in_review = set(PublicArticle.objects.public(policy, "in_review").values_list("pk", flat=True))
    for name, (article, shown) in every_state.items():
        if shown != "published" and name not in _SHOWN_UNAPPROVED[public_from]:
            shown = None
        expected = _expected(article, shown)
        if expected is None:
            with pytest.raises(Http404):
                shown_revision(article, policy)
            assert article.pk not in public, name
        else:
            assert shown_revision(article, policy) == expected, name
            assert expected.is_frozen, name  # never an open draft
            assert article.pk in public, name
        assert (article.pk in approved) == (shown == "published"), name
        assert (article.pk in in_review) == (expected is not None and shown != "published"), name
    assert approved | in_review == public


def test_the_default_policy_shows_work_once_review_has_started(every_state, policy):
    assert policy.public_from == PublicFrom.REVIEW
    with pytest.raises(Http404):
        shown_revision(every_state["submitted"][0], policy)
    article = every_state["under_review"][0]
    assert shown_revision(article, policy) == article.current_revision


def test_the_stage_filter_ignores_unknown_stages(every_state, policy):
    assert list(PublicArticle.objects.public(policy, "<b>odd</b>")) == list(
        PublicArticle.objects.public(policy)
    )


@pytest.fixture
def published(draft, advance):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_unknown_address_is_not_found(client, published):
    response = client.get(reverse("reader:public", args=["no-such-article"]))
    assert response.status_code == 404


def test_references_come_in_list_order(client, published):
    revision = published.published_revision
    Reference.objects.bulk_create(
        Reference(revision=revision, position=position, title=f"Study at {position}")
        for position in (30, 10, 20)
    )
    text = client.get(reverse("reader:public", args=[published.slug])).content.decode()
    assert text.index("Study at 10") < text.index("Study at 20") < text.index("Study at 30")


def test_only_signatures_on_this_exact_text_count(client, published, board_member):
    revision = published.published_revision
    late = UserFactory(username="late", display_name="Lee Late")
    BoardSignoff.objects.create(
        revision=revision, signer=late, signer_name="Lee Late", content_hash="0" * 64
    )
    text = client.get(reverse("reader:public", args=[published.slug])).content.decode()
    approval = text.split('aria-label="Approval"')[1].split("</section>")[0]
    assert "Bo Board" in approval and "Lee Late" not in approval


def test_the_policy_is_read_as_saved_and_created_on_a_new_site(client, policy, draft, advance):
    in_review = advance(draft, "submit", "start_review")
    page = reverse("reader:public", args=[in_review.slug])
    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    assert client.get(page).status_code == 404
    EditorialPolicy.objects.all().delete()
    assert client.get(page).status_code == 200  # the default shows work in review
    assert EditorialPolicy.objects.filter(pk=EditorialPolicy.THE_ROW).exists()


def _policy_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    table = EditorialPolicy._meta.db_table
    return sum(1 for query in queries if table in query["sql"])


def test_each_public_page_reads_the_policy_once(client, published, make_article, advance):
    in_review = advance(make_article(title="Is zinc any good?"), "submit", "start_review")
    for url in [
        reverse("reader:public", args=[published.slug]),
        reverse("reader:public", args=[in_review.slug]),
        reverse("reader:home"),
        reverse("reader:search") + "?q=drug",
        reverse("reader:policy"),
        reverse("sitemap"),
    ]:
        assert _policy_reads(client, url) == 1, url


def test_a_reader_question_reads_the_policy_once(client, published):
    url = reverse("reader:question", args=[published.slug])
    with CaptureQueriesContext(connection) as queries:
        client.post(url, {"kind": "question", "question": "", "audience": "patient"})
    table = EditorialPolicy._meta.db_table
    assert sum(1 for query in queries if table in query["sql"]) == 1
