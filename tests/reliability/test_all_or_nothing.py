"""A state change and its record commit together or not at all; email
trouble never undoes a workflow action; backups round-trip."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleState, AuditEntry, Revision
from core.models import PendingEmail
from core.tasks import retry_emails
from reviews.models import BoardSignoff


def test_a_failure_mid_transition_leaves_no_trace(draft, author, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup while writing the audit entry")

    monkeypatch.setattr(AuditEntry.objects, "create", broken)
    with pytest.raises(RuntimeError):
        draft.fire("submit", by=author)
    draft.refresh_from_db()
    assert draft.state == ArticleState.DRAFT
    assert draft.current_revision.submitted_at is None  # the freeze rolled back too
    monkeypatch.undo()
    assert not AuditEntry.objects.exists()


def test_mail_server_down_does_not_undo_the_action(
    client, editor, draft, advance, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    article = advance(draft, "submit")

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server unreachable")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", smtp_down)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:invite", args=[article.pk]),
            {"reviewers": [reviewer.pk], "due_date": f"{date.today() + timedelta(days=20)}"},
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.review_rounds.get().assignments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_dumpdata_and_loaddata_round_trip_all_content(client, draft, advance, tmp_path, policy):
    advance(draft, "submit", "start_review", "send_to_board", "sign")
    PendingEmail.objects.create(to=["reader@example.org"], subject="Held back", body="B")
    before = {
        "articles": list(Article.objects.values_list("slug", "state", "title")),
        "revisions": list(Revision.objects.values_list("content_hash", "body")),
        "audit": AuditEntry.objects.count(),
        "signatures": list(BoardSignoff.objects.values_list("content_hash", flat=True)),
        "held emails": list(PendingEmail.objects.values_list("to", "subject")),
    }
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata", "core", "accounts", "articles", "reviews", "reader", "auth.group",
        natural_foreign=True, natural_primary=True, output=str(dump), stdout=io.StringIO(),
    )  # fmt: skip
    call_command("flush", interactive=False, stdout=io.StringIO())
    assert not Article.objects.exists()
    call_command("loaddata", str(dump), stdout=io.StringIO())
    after = {
        "articles": list(Article.objects.values_list("slug", "state", "title")),
        "revisions": list(Revision.objects.values_list("content_hash", "body")),
        "audit": AuditEntry.objects.count(),
        "signatures": list(BoardSignoff.objects.values_list("content_hash", flat=True)),
        "held emails": list(PendingEmail.objects.values_list("to", "subject")),
    }
    assert after == before
    restored = Article.objects.get()
    assert restored.published_revision.compute_content_hash() == after["signatures"][0]
    found = client.get(reverse("reader:search"), {"q": "mechanism"}).content.decode()
    assert restored.published_revision.title in found  # search finds it again


def test_an_email_refused_by_the_mail_server_is_sent_by_the_next_run(
    editor, draft, advance, reviewer, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from datetime import date, timedelta

    from reviews.services import reviewers_invite

    article = advance(draft, "submit")
    PendingEmail.objects.all().delete()  # the editors' news of the submission
    real_send = mail.EmailMultiAlternatives.send

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server unreachable")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer],
            due_date=date.today() + timedelta(days=20),
        )  # fmt: skip
    held = PendingEmail.objects.get()
    assert held.to == [reviewer.email] and "Invitation to review" in held.subject
    assert held.attempts == 1 and "unreachable" in held.last_error
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    with time_machine.travel(held.next_attempt_at, tick=False):
        assert retry_emails.enqueue().return_value == 1
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert not PendingEmail.objects.exists()


def test_a_sign_up_email_refused_by_the_mail_server_is_held_too(
    db, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts.services import sign_up_request

    real_send = mail.EmailMultiAlternatives.send

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server unreachable")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up_request(email="newcomer@example.org")
    held = PendingEmail.objects.get()
    assert held.to == ["newcomer@example.org"]
    assert held.subject == "[Medical Review] Create your account"
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    with time_machine.travel(held.next_attempt_at, tick=False):
        retry_emails.enqueue()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["newcomer@example.org"], "[Medical Review] Create your account")
    ]
    assert "/signup/" in mailoutbox[0].body
