"""The article editor: preview, reference rows, pasting, reordering, limits,
and the citation check enforced on submit. Every button keeps what was typed."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleState, Revision

from .factories import editor_payload, reference

CREATE = reverse("articles:create")


@pytest.fixture
def writer(client, author):
    client.force_login(author)
    return client


def _payload(**extra):
    return editor_payload(
        title="Can statins cause muscle pain?",
        summary="Sometimes.",
        body="## Why\n\nA known effect [1], more with some drugs [2].",
        references=[reference(1), reference(2)],
        **extra,
    )


def test_preview_renders_as_readers_see_it_and_saves_nothing(writer):
    response = writer.post(CREATE, _payload(action="preview"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Preview — as readers will see it" in text
    assert '<h3 id="section-why">Why</h3>' in text  # under the preview's h2 title
    assert 'href="#ref-2"' in text
    assert 'id="ref-2"' in text
    assert "Every citation matches a reference" in text
    assert not Article.objects.exists()


def test_adding_a_reference_row_keeps_everything_typed(writer):
    response = writer.post(CREATE, _payload(action="add_reference"))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'name="refs-TOTAL_FORMS" value="4"' in text
    assert "Reference row 4" in text
    assert "A known effect [1]" in text
    assert 'value="A study of things number 2"' in text
    assert not Article.objects.exists()


def test_pasted_references_fill_rows_and_say_what_was_not_understood(writer):
    pasted = (
        "Smith J, Lee K. Statin myopathy in practice. BMJ. 2019;364:l100. PMID: 30000001\n"
        "Some society web page https://example.org/statins\n"
    )
    data = editor_payload(title="Q?", body="[1] [2]", pasted_references=pasted)
    data["action"] = "split_references"
    response = writer.post(CREATE, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Added 2 references from the pasted text." in text
    assert "Line 2 did not split into authors, title and journal" in text
    assert 'value="Statin myopathy in practice"' in text
    assert 'value="30000001"' in text
    assert 'value="Some society web page"' in text
    assert not Article.objects.exists()


def test_splitting_with_nothing_pasted_says_so(writer):
    data = _payload(action="split_references")
    text = writer.post(CREATE, data).content.decode()
    assert "nothing to split" in text


def test_positions_reorder_the_reference_list(writer):
    data = _payload(**{"refs-0-ORDER": "2", "refs-1-ORDER": "1"})
    assert writer.post(CREATE, data).status_code == 302
    revision = Revision.objects.get()
    assert list(revision.references.values_list("position", "title")) == [
        (1, "A study of things number 2"),
        (2, "A study of things number 1"),
    ]


def test_removed_rows_are_not_saved(writer):
    data = {**_payload(**{"refs-1-DELETE": "on"}), "body": "Only one source [1]."}
    assert writer.post(CREATE, data).status_code == 302
    assert Revision.objects.get().references.count() == 1


def test_editing_shows_the_citation_check(writer, make_article):
    article = make_article(body="No citations at all.")
    text = writer.get(reverse("articles:edit", args=[article.pk])).content.decode()
    assert "Citation check" in text
    assert "is never cited in the body" in text


def test_submit_is_refused_with_the_list_of_citation_problems(writer, make_article):
    article = make_article(body="Claims [1] and [4].", references=2)
    article.refresh_from_db()
    response = writer.post(
        reverse("articles:transition", args=[article.pk, "submit"]), {"seen_state": "draft"}
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Citation [4] has no matching reference" in text
    assert "Reference 2 (“A study of things number 2”) is never cited" in text
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    assert article.current_revision.body == "Claims [1] and [4]."  # the text stays as typed


def test_an_oversized_body_is_refused_and_the_text_kept(writer):
    body = "word " * 40_001  # 200 005 characters
    response = writer.post(CREATE, {**_payload(), "body": body})
    assert response.status_code == 400
    text = response.content.decode()
    assert "The body is too long: at most 200 000 characters" in text
    assert text.count("word ") >= 40_000
    assert not Article.objects.exists()


def test_more_than_200_references_are_refused(writer):
    many = [reference(n) for n in range(1, 202)]
    data = editor_payload(title="Q?", body="[1-201]", references=many)
    response = writer.post(CREATE, data)
    assert response.status_code == 400
    assert "An article can have at most 200 references" in response.content.decode()
    assert not Article.objects.exists()


def test_invalid_reference_year_keeps_all_rows(writer):
    data = _payload(**{"refs-1-year": "3020"})
    response = writer.post(CREATE, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a year between 1800 and 2100." in text
    assert 'value="A study of things number 1"' in text
    assert 'value="3020"' in text


def test_reading_level_is_shown_and_the_patient_target_flagged(writer, policy):
    policy.patient_readability_grade = 6
    policy.save()
    hard = (
        "Pharmacokinetic considerations necessitate individualised administration "
        "schedules, particularly regarding cumulative neurotoxicity manifestations [1]. "
        "Concomitant administration of neurotoxic chemotherapeutic agents substantially "
        "exacerbates predisposition [2]."
    )
    data = _payload(action="preview", patient_body=hard)
    text = writer.post(CREATE, data).content.decode()
    section = text.split('id="readability-heading"')[1].split("</section>")[0]
    assert "Healthcare professional: " in section
    assert "Patient or caregiver: <strong>grade" in section
    assert "(target 6 or lower)" in section
    assert "harder than the policy's target for patients" in section
    assert "Student" not in section  # no student version written
