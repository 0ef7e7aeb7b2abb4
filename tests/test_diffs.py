"""Comparing two revisions shows what changed, word by word."""

import pytest
from django.urls import reverse

from articles.text.diffs import diff_blocks, diff_words

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


def _sentences(count: int) -> list[str]:
    return [f"Sentence {n} says the patient takes dose {n} daily." for n in range(count)]


def test_a_long_reordered_paragraph_is_shown_whole_and_the_page_says_so(
    client, author, make_article, advance
):
    # About 700 words, reordered: comparing them word by word would cost more
    # than one comparison may spend (it took seconds before the budget).
    sentences = _sentences(80)
    intro, outro = "An unchanged opening paragraph.", "An unchanged closing paragraph [1]."
    article = make_article(body=f"{intro}\n\n{' '.join(sentences)}\n\n{outro}")
    article = advance(article, "submit", "start_review", "request_changes")
    client.force_login(author)
    client.post(
        reverse("articles:edit", args=[article.pk]),
        editor_payload(
            title=article.title,
            summary="Yes, sometimes.",
            body=f"{intro}\n\n{' '.join(reversed(sentences))}\n\n{outro}",
            references=[reference(1)],
            seen_hash=article.current_revision.content_hash,
        ),
    )
    numbers = sorted(article.revisions.values_list("number", flat=True))
    response = client.get(
        reverse("articles:compare", args=[article.pk]), {"old": numbers[0], "new": numbers[-1]}
    )
    assert response.status_code == 200
    body = response.content.decode().split(">Body</h2>")[1].split(">References</h2>")[0]
    assert "too long to compare word by word" in body
    assert 'class="diff-block diff-same">An unchanged opening paragraph.' in body
    assert 'class="diff-block diff-same">An unchanged closing paragraph [1].' in body
    # The change is still there: the old order struck out, the new one added.
    changed = body.split('class="diff-block diff-changed">')[1].split("</div>")[0]
    removed = changed.split("removed: </span>")[1].split("</del>")[0]
    added = changed.split("added: </span>")[1].split("</ins>")[0]
    assert f"{sentences[1]} {sentences[2]}" in removed
    assert f"{sentences[2]} {sentences[1]}" in added


def test_an_ordinary_edit_is_still_compared_word_by_word(client, two_revisions):
    response = client.get(
        reverse("articles:compare", args=[two_revisions.pk]), {"old": 1, "new": 2}
    )
    assert "too long to compare word by word" not in response.content.decode()


def test_long_lists_of_paragraphs_keep_their_unchanged_start_and_end():
    old = ["first", *(f"old {n}" for n in range(2000)), "last"]
    new = ["first", *(f"new {n}" for n in range(2000)), "last"]
    blocks = diff_blocks(old, new)
    assert blocks.coarse
    assert [blocks[0].kind, blocks[-1].kind] == ["same", "same"]
    kinds = [block.kind for block in blocks[1:-1]]
    assert kinds == ["removed"] * 2000 + ["added"] * 2000
