"""The versioned editorial policy and the editors' handling of reader messages."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import (
    AuditEntry,
    EditorialPolicy,
    PolicyChanged,
    PolicyVersion,
    PublicFrom,
    ReaderQuestion,
)
from articles.services import policy_update

EDIT = reverse("office:policy")


def _policy_form(policy, **changes):
    data = {
        "text": policy.text,
        "reviewers_per_round": policy.reviewers_per_round,
        "review_due_days": policy.review_due_days,
        "revision_due_days": policy.revision_due_days,
        "board_quorum": policy.board_quorum,
        "rereview_interval_months": policy.rereview_interval_months,
        "patient_readability_grade": policy.patient_readability_grade,
        "citation_style": policy.citation_style,
        "public_from": policy.public_from,
        "note": "Routine update.",
        "seen_version": PolicyVersion.objects.order_by("-number").first().number,
    }
    data.update(changes)
    return data


def test_editor_saves_a_new_version_and_the_old_one_stays_readable(client, editor, policy):
    old_text = policy.text
    client.force_login(editor)
    response = client.post(
        EDIT, _policy_form(policy, text="## New wording\n\nClearer.", board_quorum=3)
    )
    assert response.status_code == 302
    latest = PolicyVersion.objects.order_by("-number").first()
    assert latest.number == 2 and latest.changed_by == editor
    changes = {c["field"]: (c["old"], c["new"]) for c in latest.changes}
    assert changes["board_quorum"] == (1, 3)
    assert "text" in changes
    assert EditorialPolicy.current().board_quorum == 3

    public = client.get(reverse("reader:policy")).content.decode()
    assert "New wording" in public and "Last updated" in public
    first = client.get(reverse("reader:policy_version", args=[1])).content.decode()
    assert "This is an earlier version" in first
    assert old_text.split("\n")[0].lstrip("# ") in first
    history = client.get(reverse("reader:policy_versions")).content.decode()
    assert "Board quorum: 1 → 3" in history or "board quorum: 1 → 3" in history.lower()


def test_editor_chooses_from_when_readers_see_unapproved_work(client, editor, policy):
    client.force_login(editor)
    form = client.get(EDIT).content.decode()
    assert form.count('name="public_from"') == 3 and "From submission" in form
    response = client.post(EDIT, _policy_form(policy, public_from=PublicFrom.APPROVAL))
    assert response.status_code == 302
    assert EditorialPolicy.current().public_from == PublicFrom.APPROVAL
    history = client.get(reverse("reader:policy_versions")).content.decode()
    assert (
        "Readers may see an article: From when an editor starts review → Only once approved"
        in history
    )
    public = client.get(reverse("reader:policy")).content.decode()
    assert "Only approved articles are shown to readers." in public


def test_an_unknown_choice_is_refused_with_the_text_kept(client, editor, policy):
    client.force_login(editor)
    response = client.post(
        EDIT, _policy_form(policy, public_from="always", text="## Kept wording\n\nMine.")
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "Kept wording" in response.content.decode()
    assert EditorialPolicy.current().public_from == PublicFrom.REVIEW


def test_versions_saved_before_the_choice_still_read_sensibly(client, policy):
    """Versions are records: those saved with the old yes/no keep it."""
    old = PolicyVersion.objects.get(number=1)
    for number, shown in ((2, True), (3, False)):
        PolicyVersion.objects.create(
            number=number,
            text=old.text,
            settings_snapshot={
                **{k: v for k, v in old.settings_snapshot.items() if k != "public_from"},
                "public_in_review": shown,
            },
            changes=[
                {"field": "public_in_review", "label": "readers may see work in review",
                 "old": not shown, "new": shown}
            ],
            note="Before issue 21.",
        )  # fmt: skip
    shown_then = client.get(reverse("reader:policy_version", args=[2])).content.decode()
    assert "Articles can be read as soon as they are submitted" in shown_then
    hidden_then = client.get(reverse("reader:policy_version", args=[3])).content.decode()
    assert "Only approved articles are shown to readers." in hidden_then
    history = client.get(reverse("reader:policy_versions"))
    assert history.status_code == 200
    assert "Readers may see work in review: False → True" in history.content.decode()


def test_a_setting_change_applies_to_the_next_action_only(
    client, editor, policy, draft, advance, board_member, second_board_member
):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    assert article.state == "approved"  # quorum 1 when it was signed
    client.force_login(editor)
    client.post(EDIT, _policy_form(policy, board_quorum=2))
    article.refresh_from_db()
    assert article.state == "approved"  # nothing recomputed

    cache.clear()
    other = advance(advance(draft.__class__.objects.get(pk=draft.pk), "edit"), "submit")
    other = advance(other, "start_review", "send_to_board", "sign")
    assert other.state == "board_review"  # now two signatures are needed
    other = advance(other, "sign2")
    assert other.state == "approved"


def test_saving_without_changes_is_refused(client, editor, policy):
    client.force_login(editor)
    response = client.post(EDIT, _policy_form(policy))
    assert response.status_code == 400
    assert "Nothing changed" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_a_stale_policy_page_cannot_overwrite_a_newer_version(client, editor, policy):
    client.force_login(editor)
    stale = _policy_form(policy, board_quorum=4, note="Mine")
    client.post(EDIT, _policy_form(policy, board_quorum=2, note="Theirs"))
    response = client.post(EDIT, stale)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved version 2" in text
    assert 'value="Mine"' in text
    assert EditorialPolicy.current().board_quorum == 2


def test_a_stale_policy_save_is_refused_as_a_policy_conflict(editor, policy):
    policy_update(editor=editor, data={"board_quorum": 2}, note="Theirs", seen_version=1)
    with pytest.raises(PolicyChanged, match="Someone else saved version 2 of the policy"):
        policy_update(editor=editor, data={"board_quorum": 4}, note="Mine", seen_version=1)


def test_invalid_settings_keep_the_text(client, editor, policy):
    client.force_login(editor)
    response = client.post(EDIT, _policy_form(policy, board_quorum=0, text="Kept words."))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in text
    assert "Kept words." in text


@pytest.mark.parametrize(
    ("role", "status"), [("author", 403), ("reviewer", 403), ("board_member", 403)]
)
def test_only_editors_change_the_policy(client, people, policy, role, status):
    client.force_login(people[role])
    assert client.post(EDIT, _policy_form(policy, board_quorum=5)).status_code == status
    assert EditorialPolicy.current().board_quorum == 1


def test_policy_versions_are_a_record(policy):
    from django.core.exceptions import PermissionDenied

    version = PolicyVersion.objects.get()
    with pytest.raises(PermissionDenied):
        version.save()
    with pytest.raises(PermissionDenied):
        version.delete()


# -- reader questions ---------------------------------------------------------


@pytest.fixture
def published(draft, advance, policy):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def _ask(client, article, **data):
    payload = {"kind": "question", "question": "Is it safe in pregnancy?", "audience": "patient"}
    payload.update(data)
    return client.post(reverse("reader:question", args=[article.slug]), payload)


def test_questions_are_rate_limited_per_address(client, published):
    for _ in range(5):
        assert _ask(client, published).status_code == 302
    response = _ask(client, published, question="One more, please?")
    assert response.status_code == 429
    text = response.content.decode()
    assert "several messages in a short time" in text
    assert "One more, please?" in text
    assert ReaderQuestion.objects.count() == 5


def test_long_questions_are_refused_with_a_message(client, published):
    response = _ask(client, published, question="x" * 2001)
    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in response.content.decode()


def test_editor_answers_by_email_and_opens_a_re_review(
    client, published, editor, django_capture_on_commit_callbacks, mailoutbox
):
    _ask(client, published, email="reader@example.org", kind="error")
    question = ReaderQuestion.objects.get()
    client.force_login(editor)
    queue = client.get(reverse("office:queue")).content.decode()
    assert "1 reader message waiting" in queue
    listing = client.get(reverse("office:questions")).content.decode()
    assert "Is it safe in pregnancy?" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("office:question_handle", args=[question.pk]),
            {"answer": "The article covers this in section 2.", "rereview": "on"},
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.handled_by == editor and question.answer
    (mail,) = mailoutbox
    assert mail.to == ["reader@example.org"]
    assert "The article covers this in section 2." in mail.body
    published.refresh_from_db()
    assert published.rereview_due_since is not None
    assert AuditEntry.objects.filter(action="reader_question_handled").exists()


def test_a_message_is_handled_once(client, published, editor):
    _ask(client, published)
    question = ReaderQuestion.objects.get()
    client.force_login(editor)
    client.post(reverse("office:question_handle", args=[question.pk]), {})
    response = client.post(reverse("office:question_handle", args=[question.pk]), {}, follow=True)
    assert "already handled" in response.content.decode()


def test_no_answer_without_an_address(client, published, editor):
    _ask(client, published)
    question = ReaderQuestion.objects.get()
    client.force_login(editor)
    response = client.post(
        reverse("office:question_handle", args=[question.pk]), {"answer": "Hi"}, follow=True
    )
    assert "left no email address" in response.content.decode()
    question.refresh_from_db()
    assert question.handled_at is None


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_only_editors_see_reader_messages(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("office:questions")).status_code == 403


def test_a_refused_answer_is_kept_in_its_form_with_the_reason(client, published, editor):
    _ask(client, published, email="reader@example.org")
    question = ReaderQuestion.objects.get()
    client.force_login(editor)
    typed = "Thank you for asking.\x01 The dose is in section 2."
    response = client.post(reverse("office:question_handle", args=[question.pk]), {"answer": typed})
    assert response.status_code == 400
    page = response.content.decode()
    # The error summary says so and links to the answer box, marked invalid.
    assert "<title>Error: " in page
    assert f'href="#answer-{question.pk}">Not handled: ' in page
    assert (
        f'id="answer-{question.pk}" name="answer" rows="3" maxlength="5000" aria-invalid="true"'
        in page
    )
    assert "Thank you for asking.\x01 The dose is in section 2.</textarea>" in page
    question.refresh_from_db()
    assert question.handled_at is None


def test_a_refused_answer_on_a_later_page_comes_back_on_that_page(client, published, editor):
    for n in range(31):  # one more than a page holds
        ReaderQuestion.objects.create(
            article=published,
            revision=published.published_revision,
            audience="patient",
            question=f"Question number {n}?",
            email=f"reader{n}@example.org",
        )
    last = ReaderQuestion.objects.order_by("created_at", "pk").last()
    client.force_login(editor)
    typed = "Kept on page two.\x01"
    response = client.post(
        reverse("office:question_handle", args=[last.pk]), {"answer": typed, "page": "2"}
    )
    assert response.status_code == 400
    assert f"{typed}</textarea>" in response.content.decode()
