"""Comparing two revisions shows what changed, word by word."""

import pytest
from django.urls import reverse

from articles.diffs import diff_words

from .factories import editor_payload, reference


@pytest.fixture
def two_revisions(client, author, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes")
    client.force_login(author)
    client.post(
        reverse("articles:edit", args=[article.pk]),
        editor_payload(
            title=article.title,
            summary="Yes, sometimes.",
            body="## Why\n\nBecause of a well known mechanism [1].\n\nA new paragraph [2].",
            references=[reference(1), reference(2)],
            seen_hash=article.current_revision.content_hash,
        ),
    )
    return article


def test_word_diff_marks_only_the_changed_words():
    html = diff_words("the quick brown fox", "the slow brown fox")
    assert "<del>" in html and "quick" in html
    assert "<ins>" in html and "slow" in html
    assert html.startswith("the ")
    assert "brown fox" in html.split("</ins>")[-1]


def test_diff_escapes_text():
    html = diff_words("a <b>", "a <script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_compare_page_shows_changed_paragraphs_and_references(client, two_revisions):
    url = reverse("articles:compare", args=[two_revisions.pk])
    response = client.get(url, {"old": 1, "new": 2})
    assert response.status_code == 200
    text = response.content.decode()
    assert '<ins><span class="visually-hidden">added: </span>well known </ins>' in text
    assert "A new paragraph [2]." in text.split('class="diff-block diff-added"')[1]
    refs = text.split(">References</h2>")[1]
    assert "A study of things number 2" in refs.split('diff-added"')[1]


def test_compare_with_unknown_revision_is_a_clear_error(client, two_revisions):
    response = client.get(
        reverse("articles:compare", args=[two_revisions.pk]), {"old": 1, "new": 9}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_people_who_cannot_see_the_article_cannot_compare(client, two_revisions, other_author):
    client.force_login(other_author)
    response = client.get(
        reverse("articles:compare", args=[two_revisions.pk]), {"old": 1, "new": 2}
    )
    assert response.status_code == 404


def test_workspace_offers_the_comparison_once_there_are_two_revisions(
    client, two_revisions, author
):
    text = client.get(reverse("articles:workspace", args=[two_revisions.pk])).content.decode()
    assert "Show changes" in text
