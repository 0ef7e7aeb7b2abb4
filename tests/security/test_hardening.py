"""Regression tests for holes found in review: privilege escalation through
the admin, leaks of reviewer identity and private drafts, resource abuse, and
failure handling in emails and reminders."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from articles.models import Article, ArticleState
from articles.text.rendering import render_body
from core import outbox
from reviews.models import ReviewAssignment
from reviews.reminders import send_due_reminders
from reviews.services import invitation_accept, review_save, reviewers_invite

from ..factories import UserFactory, editor_payload, legacy_withdrawn_draft, reference


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True
    editor.save()
    return editor


def test_editor_cannot_set_anyones_password(client, staff_editor, board_member):
    client.force_login(staff_editor)
    url = reverse("admin:auth_user_password_change", args=[board_member.pk])
    response = client.post(
        url,
        {"password1": "Taken-over-123", "password2": "Taken-over-123", "usable_password": "true"},
    )
    assert response.status_code == 403
    board_member.refresh_from_db()
    assert not board_member.check_password("Taken-over-123")


def test_editor_cannot_see_superusers_or_change_own_roles(client, staff_editor):
    root = User.objects.create_superuser("root", "root@example.org", "Root-pass-12345")
    client.force_login(staff_editor)
    assert client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == 302
    own = client.get(reverse("admin:accounts_user_change", args=[staff_editor.pk]))
    text = own.content.decode()
    assert 'name="groups"' not in text and 'name="is_staff"' not in text


def test_editor_cannot_rewrite_an_article_in_admin(client, staff_editor, draft, advance):
    article = advance(draft, "submit")
    client.force_login(staff_editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(
        url, {"title": "Renamed", "slug": article.slug, "authors": [staff_editor.pk]}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Renamed" and not article.has_author(staff_editor)


def test_authors_history_hides_who_reviewed(client, author, editor, draft, advance, reviewer):
    reviewer.display_name = "Secret Reviewer"
    reviewer.save()
    article = advance(draft, "submit")
    (assignment,) = reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )  # fmt: skip
    invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
    review_save(
        assignment=assignment, reviewer=reviewer, submit=True,
        data={"recommendation": "reject", "comments_to_author": "Weak evidence."},
    )  # fmt: skip
    client.force_login(author)
    text = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Secret Reviewer" not in text
    assert "Reject." not in text
    client.force_login(editor)
    text = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Secret Reviewer" in text  # editors keep the full record


def test_open_draft_of_a_published_article_stays_private(
    client, author, editor, board_member, draft, advance, policy
):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign", "edit")
    assert article.current_revision.number == 2 and not article.current_revision.is_frozen
    for person in (editor, board_member):
        client.force_login(person)
        assert client.get(reverse("articles:revision", args=[article.pk, 2])).status_code == 404
        workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
        assert "Revision 2" not in workspace
    client.force_login(author)
    assert client.get(reverse("articles:revision", args=[article.pk, 2])).status_code == 200


def test_never_submitted_withdrawn_article_stays_private(client, author, editor, draft):
    legacy_withdrawn_draft(draft, author)
    client.force_login(editor)
    assert client.get(reverse("articles:workspace", args=[draft.pk])).status_code == 404


def test_citation_ranges_cannot_blow_up_a_page():
    hostile = "[1-200, 1-200, 1-200] " * 2000
    started = time.monotonic()
    html = render_body(hostile, reference_count=200).html
    assert time.monotonic() - started < 5
    assert len(html) < 3_000_000
    assert html.count("<a ") <= 2_000


def test_thousands_of_same_named_headings_render_quickly_with_distinct_ids():
    hostile = "## Risk\n\n" * 20_000  # 200 000 characters, the body limit
    started = time.monotonic()
    html = render_body(hostile, reference_count=0).html
    assert time.monotonic() - started < 5  # numbering ids one by one took 30 s
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert len(ids) == 20_000 == len(set(ids))
    assert ids[:3] == ["section-risk", "section-risk-1", "section-risk-2"]


def test_forged_reference_row_count_is_capped(client, author):
    client.force_login(author)
    data = editor_payload(title="Q?", body="x", pasted_references="A. B. C. 2020")
    data.update({"refs-TOTAL_FORMS": "1000000000", "action": "split_references"})
    started = time.monotonic()
    response = client.post(reverse("articles:create"), data)
    assert time.monotonic() - started < 10
    assert response.status_code in {200, 400}
    assert not Article.objects.exists()


def test_a_title_is_kept_on_one_line(client, author):
    client.force_login(author)
    client.post(
        reverse("articles:create"),
        editor_payload(title="Can X cause Y?\nBcc: someone@example.org", body="B [1]",
                       references=[reference(1)]),
    )  # fmt: skip
    assert Article.objects.get().title == "Can X cause Y? Bcc: someone@example.org"


def test_email_subjects_are_one_line(db, mailoutbox):
    outbox.send("resubmission", to=["a@example.org"], subject="Line one\nBcc: x",
                context={"round": None, "reviewer": "R"})  # fmt: skip
    assert mailoutbox[0].subject == "[Medical Review] Line one Bcc: x"


@pytest.fixture
def two_assignments(draft, advance, editor, reviewer):
    other = UserFactory(username="other", roles=[Role.REVIEWER])
    article = advance(draft, "submit")
    return reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer, other],
        due_date=timezone.localdate() + datetime.timedelta(days=1),
    )  # fmt: skip


def test_one_failing_reminder_does_not_stop_the_others(
    two_assignments, monkeypatch, django_capture_on_commit_callbacks
):
    from core.models import PendingEmail

    failing = two_assignments[0].reviewer.email
    real_send = mail.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if failing in message.to:
            raise ConnectionRefusedError("mail server said no")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reminders(timezone.localdate())
    assert len(sent) == 2  # both steps recorded, each with its email
    assert [m.to for m in mail.outbox] == [[two_assignments[1].reviewer.email]]
    # The refused one is kept for the outbox's retry; the step is not repeated.
    held = PendingEmail.objects.get(subject__contains="Reminder")
    assert held.to == [failing] and held.attempts == 1
    monkeypatch.undo()
    assert send_due_reminders(timezone.localdate()) == []
    assert outbox.deliver(held.pk)
    assert [m.to for m in mail.outbox][-1] == [failing]


def test_reviewers_held_back_by_a_conflict_get_no_reminders(two_assignments, mailoutbox):
    first = two_assignments[0]
    invitation_accept(
        assignment=first, reviewer=first.reviewer, has_conflict=True, conflict_details="Friend."
    )
    sent = send_due_reminders(timezone.localdate())
    assert first not in [a for a, _ in sent]


def test_conflict_decisions_on_a_closed_round_are_refused(client, two_assignments, editor):
    from reviews.rounds import round_close

    first = two_assignments[0]
    invitation_accept(
        assignment=first, reviewer=first.reviewer, has_conflict=True, conflict_details="Friend."
    )
    round_close(first.round)
    client.force_login(editor)
    client.post(reverse("reviews:conflict", args=[first.pk]), {"choice": "replace"})
    first.refresh_from_db()
    assert first.status == ReviewAssignment.Status.CANCELLED


def test_a_declined_update_is_not_labelled_approved(client, author, draft, advance, policy):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign", "edit", "submit")
    article = advance(article, "desk_reject")
    assert article.state == ArticleState.APPROVED
    client.force_login(author)
    text = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    table = text.split('id="revisions-heading"')[1].split("<table")[1].split("</table>")[0]
    revision_two = table.split(">Revision 2</a>")[1].split("</tr>")[0]
    assert "Not accepted" in revision_two and "Approved" not in revision_two


def test_a_draft_update_does_not_change_the_live_audience(client, author, draft, advance, policy):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    assert article.primary_audience == "patient"
    client.force_login(author)
    client.post(
        reverse("articles:edit", args=[article.pk]),
        editor_payload(title=article.title, body="New [1].", references=[reference(1)],
                       seen_hash=article.current_revision.content_hash,
                       primary_audience="professional"),
    )  # fmt: skip
    article.refresh_from_db()
    assert article.primary_audience == "patient"
    article = advance(article, "submit", "start_review", "send_to_board", "sign")
    assert article.primary_audience == "professional"
