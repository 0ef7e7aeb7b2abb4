"""Every form, when sent with mistakes, comes back with an error summary at
the top of the page (each problem a link to its field), the bad fields marked
aria-invalid and described by their message, "Error:" at the start of the page
title, and what the person typed still in the boxes. Required fields carry no
asterisk; optional ones say "(optional)"."""

import html
import re

import pytest
from django.urls import reverse

from articles.models import Revision

from .factories import editor_payload, reference


def _title(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()


def _summary(page: str) -> str:
    match = re.search(r'<section class="error-summary.*?</section>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def _summary_links(page: str) -> list[str]:
    return re.findall(r'<a class="alert-link" href="#([^"]+)"', _summary(page))


def _tag(page: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert match, f"no element #{element_id}"
    return match.group(0)


def _label(page: str, field_id: str) -> str:
    match = re.search(rf'<(label|legend)[^>]*for="{field_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no label for #{field_id}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", match.group(2)).split()))


def _assert_failed_form(page: str, *, fields: list[str]):
    """The summary links to each bad field, which exists, is aria-invalid and
    points at its error message; focus goes to the summary on load."""
    assert _title(page).startswith("Error: ")
    summary = _summary(page)
    assert "autofocus" in summary.split(">")[0]
    links = _summary_links(page)
    for field_id in fields:
        assert field_id in links
        tag = _tag(page, field_id)
        assert 'aria-invalid="true"' in tag
        described = re.search(r'aria-describedby="([^"]+)"', tag)
        if described:  # radio buttons are described through their fieldset
            assert f"{field_id}_error" in described.group(1).split()
            _tag(page, f"{field_id}_error")


def test_a_page_without_failed_forms_has_no_summary(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "error-summary" not in page
    assert not _title(page).startswith("Error")


def test_wrong_sign_in_leads_with_the_summary_and_keeps_the_name(client, author):
    response = client.post(
        reverse("accounts:login"), {"username": "someone-typed", "password": "wrong"}
    )
    page = response.content.decode()
    assert _title(page) == "Error: Sign in · Medical Review"
    assert "do not match an account" in _summary(page)
    # A problem with the whole form links to its first field.
    assert _summary_links(page) == ["id_username"]
    assert 'value="someone-typed"' in page
    # The summary comes before the form, so its autofocus wins over the username's.
    assert page.index("error-summary") < page.index('id="id_username"')


@pytest.fixture
def published(draft, advance, policy):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_reader_question_without_text_links_to_the_question_box(client, published):
    response = client.post(
        reverse("reader:question", args=[published.slug]),
        {"kind": "question", "question": "", "email": "reader@example.org", "audience": "patient"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    _assert_failed_form(page, fields=["id_question"])
    assert "Your question or the error you found: This field is required." in _summary(page)
    assert 'value="reader@example.org"' in page


def test_board_wrong_password_links_to_the_password_box(client, draft, advance, board_member):
    article = advance(draft, "submit", "start_review", "send_to_board")
    client.force_login(board_member)
    data = {"password": "not-my-password", "seen_revision": article.current_revision_id}
    data["confirm"] = "on"
    data.update({f"confirm_{name}": "on" for name in ("professional", "patient", "student")})
    response = client.post(reverse("reviews:signoff", args=[article.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    _assert_failed_form(page, fields=["id_password"])
    assert "password is not correct" in _summary(page)
    assert "not-my-password" not in page  # a password is never sent back


def test_article_form_errors_link_to_each_field_and_keep_the_text(client, author):
    client.force_login(author)
    data = editor_payload(title="", body="Body I typed.", references=[reference(1)])
    data["refs-0-year"] = "99999"
    response = client.post(reverse("articles:create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    _assert_failed_form(page, fields=["id_title", "id_refs-0-year"])
    summary = _summary(page)
    assert "The reader&#x27;s question: This field is required." in summary
    assert "Body I typed." in page
    assert "Author1 A, Colleague B" in page


def test_refused_invitation_links_to_the_reviewer_boxes(client, editor, draft, advance, reviewer):
    article = advance(draft, "submit")
    client.force_login(editor)
    response = client.post(
        reverse("reviews:invite", args=[article.pk]),
        {"due_date": "2001-01-01", "message": "Thanks for looking at this."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    _assert_failed_form(page, fields=["id_reviewers_0"])
    assert "Thanks for looking at this." in page


def test_required_fields_have_no_asterisk_and_optional_ones_say_so(client, author):
    client.force_login(author)
    page = client.get(reverse("articles:create")).content.decode()
    assert "asteriskField" not in page
    assert _label(page, "id_title") == "The reader's question"
    assert _label(page, "id_summary") == "Short answer (optional)"
    assert _label(page, "id_body") == "Full answer"  # needed to submit, though a draft may lack it
    assert _label(page, "id_patient_body") == "Full answer for patients and caregivers (optional)"
    # An empty reference row is optional as a whole: none of its boxes looks required.
    assert _label(page, "id_refs-0-title") == "Title"
    assert _label(page, "id_refs-0-journal") == "Journal or publisher"
    assert "required" not in _tag(page, "id_refs-0-title")

    login = client.get(reverse("accounts:password_change")).content.decode()
    assert _label(login, "id_old_password") == "Old password"
    assert "*" not in _label(login, "id_new_password1")


def test_reader_question_email_is_marked_optional(client, published):
    page = client.get(reverse("reader:question", args=[published.slug])).content.decode()
    assert _label(page, "id_email") == "Your email, if you would like an answer (optional)"
    assert _label(page, "id_question") == "Your question or the error you found"


def test_a_new_article_is_not_asked_what_changed(client, author, draft):
    client.force_login(author)
    assert "id_change_summary" not in client.get(reverse("articles:create")).content.decode()
    # A first draft being edited has no earlier version either.
    edit = client.get(reverse("articles:edit", args=[draft.pk])).content.decode()
    assert "id_change_summary" not in edit


def test_a_revision_asks_what_changed_beside_the_decision_letter(client, author, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes")
    client.force_login(author)
    page = client.get(reverse("articles:edit", args=[article.pk])).content.decode()
    respond = page[page.index('id="respond"') :]
    assert respond.index("The editor's decision") < respond.index('id="id_response_letter"')
    assert 'id="id_change_summary"' in respond
    assert _label(page, "id_change_summary").startswith("What changed since the last submitted")


def test_a_new_article_posted_without_what_changed_saves(client, author):
    client.force_login(author)
    data = editor_payload(title="Is X safe?", body="Yes [1].", references=[reference(1)])
    data.pop("change_summary")
    response = client.post(reverse("articles:create"), data)
    assert response.status_code == 302
    assert Revision.objects.get().change_summary == ""


def test_audience_versions_open_for_the_chosen_main_readers(client, author):
    client.force_login(author)
    page = client.get(reverse("articles:create")).content.decode()
    # Written mainly for patients by default: their version is open, with the
    # main text explained as what every level without its own version reads.
    assert re.search(r"<details[^>]*open>\s*<summary[^>]*>Version for patients", page)
    assert re.search(r"<details[^>]*\">\s*<summary[^>]*>Version for students", page)
    assert "so does every reader whose level has no version of its own" in page


def test_notice_without_a_kind_marks_the_choices_invalid(client, published, editor):
    client.force_login(editor)
    response = client.post(
        reverse("articles:notice", args=[published.pk]),
        {"reason": "The dose in section 2 was wrong.", "seen_state": published.state},
    )
    assert response.status_code == 400
    page = response.content.decode()
    _assert_failed_form(page, fields=["id_kind_0"])
    assert "The dose in section 2 was wrong." in page


def test_a_workspace_action_refused_for_want_of_a_comment_links_to_its_box(
    client, draft, advance, editor
):
    article = advance(draft, "submit")
    client.force_login(editor)
    response = client.post(
        reverse("articles:transition", args=[article.pk, "desk_reject"]),
        {"comment": "", "seen_state": article.state},
    )
    assert response.status_code == 400
    page = response.content.decode()
    (target,) = _summary_links(page)
    _assert_failed_form(page, fields=[target])
    assert "comment" in target


def test_the_form_says_which_text_readers_get_first(client, author, make_article):
    client.force_login(author)
    article = make_article()  # written mainly for patients, no patient version
    page = client.get(reverse("articles:edit", args=[article.pk])).content.decode()
    assert "get the main text for now: you chose patients and caregivers" in page

    data = editor_payload(
        title="Is X safe?",
        body="Yes [1].",
        references=[reference(1)],
        patient_body="Yes, for most people [1].",
        action="preview",
    )
    page = client.post(reverse("articles:create"), data).content.decode()
    assert "get the version for patients and caregivers." in page
