"""Issue 19, item 11: invisible control characters are refused in every
text field, and text stored before that does not break public output."""

import html

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from articles import services
from articles.models import Article, GlossaryTerm, ReaderQuestion, Revision

from ..factories import editor_payload, reference

CONTROL = "\x01"


@pytest.fixture
def published(draft, advance, policy):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def _create(client, author, **fields):
    client.force_login(author)
    payload = editor_payload(
        title=fields.pop("title", "Can drug X cause symptom Y?"),
        summary=fields.pop("summary", "Yes, sometimes."),
        body=fields.pop("body", "## Why\n\nBecause of a mechanism [1]."),
        references=fields.pop("references", [reference(1)]),
        **fields,
    )
    return client.post(reverse("articles:create"), payload)


@pytest.mark.parametrize("field", ["title", "summary", "body", "pasted_references"])
def test_article_text_with_a_control_character_is_refused_and_kept(client, author, field):
    typed = f"Before{CONTROL}after, a text the author typed"
    response = _create(client, author, **{field: typed})
    assert response.status_code == 400
    text = response.content.decode()
    assert "invisible control character (U+0001)" in text
    assert html.escape(typed).replace(CONTROL, "") in text.replace(CONTROL, "")
    assert not Article.objects.exists()


def test_reference_fields_refuse_control_characters(client, author):
    response = _create(client, author, references=[{**reference(1), "title": f"A{CONTROL}study"}])
    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()
    assert not Article.objects.exists()


def test_tabs_newlines_and_browser_line_breaks_are_accepted(client, author):
    body = "## Why\r\n\r\nBecause\tof a mechanism [1].\nA second line."
    response = _create(client, author, summary="Yes,\r\nsometimes.", body=body)
    assert response.status_code == 302
    revision = Revision.objects.get()
    assert revision.body == body and revision.summary == "Yes,\r\nsometimes."


def test_a_lone_carriage_return_is_refused(client, author):
    response = _create(client, author, summary="Yes,\rsometimes.")
    assert response.status_code == 400
    assert "(U+000D)" in response.content.decode()


def test_transition_comments_refuse_control_characters(client, author, editor, draft, advance):
    article = advance(draft, "submit")
    client.force_login(editor)
    response = client.post(
        reverse("articles:transition", args=[article.pk, "desk_reject"]),
        {"comment": f"Out of{CONTROL} scope", "seen_state": article.state},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "invisible control character" in text and "Out of" in text
    article.refresh_from_db()
    assert article.state == "submitted"


def test_glossary_terms_refuse_control_characters(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("office:glossary_new"),
        {"term": "neuropathy", "explanation": f"nerve{CONTROL} damage"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "invisible control character" in text and "nerve" in text
    assert not GlossaryTerm.objects.exists()


def test_reader_questions_refuse_control_characters(client, published):
    response = client.post(
        reverse("reader:question", args=[published.slug]),
        {"kind": "question", "question": f"Is it safe{CONTROL}?", "audience": "patient"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "invisible control character" in text and "Is it safe" in text
    assert not ReaderQuestion.objects.exists()


def test_an_editor_answer_with_a_control_character_is_refused(published, editor):
    question = ReaderQuestion.objects.create(
        article=published,
        revision=published.published_revision,
        question="Is it safe?",
        email="reader@example.org",
        audience="patient",
    )
    with pytest.raises(ValidationError, match="invisible control character"):
        services.reader_question_handle(question=question, editor=editor, answer=f"No{CONTROL}")
    question.refresh_from_db()
    assert question.handled_at is None


def test_profile_display_names_refuse_control_characters(client, editor, reviewer):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:person", args=[reviewer.pk]),
        {"display_name": f"Dr{CONTROL} Smith", "credentials": "MD"},
    )
    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()
    reviewer.refresh_from_db()
    assert CONTROL not in reviewer.display_name


def test_sign_up_refuses_a_display_name_with_a_control_character(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {"email": "new@example.org"})
    link = mail.outbox[-1].body.split(settings.SITE_URL)[1].split()[0]
    response = client.post(
        link,
        {
            "username": "newcomer",
            "display_name": f"New{CONTROL}comer",
            "password1": "a long and unusual passphrase 41",
            "password2": "a long and unusual passphrase 41",
        },
    )
    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_models_refuse_control_characters_on_their_own(draft):
    revision = draft.current_revision
    revision.summary = f"Yes{CONTROL}"
    with pytest.raises(ValidationError) as refused:
        revision.full_clean()
    assert "summary" in refused.value.message_dict


# -- text stored before the rule ------------------------------------------------------


@pytest.fixture
def approved_with_control_characters(draft, advance, policy):
    """An approved article whose text has control characters, as text saved
    before they were refused would: written past the validators while
    still a draft, then submitted, reviewed and signed."""
    Revision.objects.filter(pk=draft.current_revision_id).update(
        title=f"Can drug X{CONTROL} cause symptom Y\x1b?",
        summary=f"Yes,{CONTROL} sometimes\x0c.\x7f",
        body=f"## Why\n\nBecause{CONTROL} of a mechanism [1].",
    )
    Article.objects.filter(pk=draft.pk).update(title=f"Can drug X{CONTROL} cause symptom Y?")
    draft.refresh_from_db()
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_the_feed_survives_stored_control_characters(client, approved_with_control_characters):
    response = client.get(reverse("reader:feed"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Can drug X cause symptom Y?" in text
    assert "Yes, sometimes." in text


def test_sitemap_page_and_search_survive_stored_control_characters(
    client, approved_with_control_characters
):
    article = approved_with_control_characters
    assert client.get(reverse("sitemap")).status_code == 200
    page = client.get(reverse("reader:public", args=[article.slug]))
    assert page.status_code == 200
    assert "application/ld+json" in page.content.decode()
    search = client.get(reverse("reader:search"), {"q": "mechanism"})
    assert search.status_code == 200
    assert "symptom" in search.content.decode()
