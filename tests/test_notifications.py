"""Notifications: each hand-off tells exactly the people it concerns, once,
after the action commits (a rolled-back action tells nobody); email by each
person's choice (each, a daily digest, none); the inbox (own entries only,
read marks, the header's unread count); the handling editor."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.digest import send_daily_digests
from accounts.models import DailyDigest, NoticeEmail, Notification, ProfileChange, Role
from accounts.notifications import notify
from articles.models import AuditEntry, ReaderQuestion
from articles.services import article_notice_issue, reader_question_receive
from reviews.services import (
    board_signoff_record,
    invitation_accept,
    invitation_decline,
    review_save,
    reviewers_invite,
)

from .factories import PASSWORD, UserFactory

CONFIDENTIAL = "Between us: the dose table looks copied."


@pytest.fixture
def second_editor(db):
    return UserFactory(username="editor2", display_name="Ed Second", roles=[Role.EDITOR])


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run an action as a request would: its on-commit hooks (emails) run."""

    def go(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return go


def told(kind: str) -> set:
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def emailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def due():
    return timezone.localdate() + datetime.timedelta(days=14)


def invite(article, editor, *reviewers):
    return reviewers_invite(article=article, editor=editor, reviewers=reviewers, due_date=due())


def accept_and_review(assignment, *, recommendation="approve"):
    invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
    return review_save(
        assignment=assignment,
        reviewer=assignment.reviewer,
        submit=True,
        data={
            "recommendation": recommendation,
            "comments_to_author": "Clear text; one dose needs a source.",
            "confidential_comments": CONFIDENTIAL,
        },
    )


@pytest.fixture
def submitted(draft, author, run):
    return run(draft.fire, "submit", by=author)


@pytest.fixture
def reviewed(submitted, editor, reviewer, second_reviewer, run):
    """Under review, both reviews in (the editor started it, so handles it)."""
    for assignment in invite(submitted, editor, reviewer, second_reviewer):
        accept_and_review(assignment)
    submitted.refresh_from_db()
    Notification.objects.all().delete()
    mail.outbox.clear()
    return submitted


# -- editors ------------------------------------------------------------------


def test_submission_tells_every_editor_once_after_commit(
    draft, author, editor, second_editor, django_capture_on_commit_callbacks
):
    editor_who_wrote_it = UserFactory(username="coauthor", roles=[Role.EDITOR, Role.AUTHOR])
    draft.authors.add(editor_who_wrote_it)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft.fire("submit", by=author)
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert told("article_submitted") == {editor, second_editor}
    assert Notification.objects.count() == 2
    assert emailed() == sorted([editor.email, second_editor.email])
    assert all("New submission" in m.subject for m in mail.outbox)


def test_a_rolled_back_action_tells_nobody(
    draft, author, editor, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        draft.fire("submit", by=author)
        raise RuntimeError("the request failed after the submission")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_editor_who_starts_review_handles_it_and_alone_hears_replies(
    submitted, editor, second_editor, reviewer, second_reviewer, run
):
    Notification.objects.all().delete()
    first, second = run(invite, submitted, editor, reviewer, second_reviewer)
    submitted.refresh_from_db()
    assert submitted.handling_editor == editor
    assert told("review_invited") == {reviewer, second_reviewer}
    assert emailed() == sorted([reviewer.email, second_reviewer.email])
    assert "Invitation to review" in mail.outbox[0].subject  # the invitation's own email

    mail.outbox.clear()
    run(invitation_accept, assignment=first, reviewer=reviewer, has_conflict=False)
    run(invitation_decline, assignment=second, reviewer=second_reviewer, reason="On leave.")
    assert told("review_accepted") == {editor}
    assert told("review_declined") == {editor}
    assert emailed() == [editor.email, editor.email]


def test_without_a_handling_editor_every_editor_hears_replies_and_reviews(
    submitted, editor, second_editor, reviewer, run
):
    (assignment,) = invite(submitted, editor, reviewer)
    type(submitted).objects.filter(pk=submitted.pk).update(handling_editor=None)
    Notification.objects.all().delete()
    run(accept_and_review, assignment)
    assert told("review_accepted") == {editor, second_editor}
    assert told("review_submitted") == {editor, second_editor}
    assert reviewer not in told("review_submitted")  # the actor is never told


def test_another_editor_takes_over_and_hears_from_then_on(
    client, submitted, editor, second_editor, reviewer, second_reviewer, run
):
    first, _second = invite(submitted, editor, reviewer, second_reviewer)
    Notification.objects.all().delete()
    client.force_login(second_editor)
    response = run(client.post, reverse("articles:handling_editor", args=[submitted.pk]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.handling_editor == second_editor
    assert told("handling_editor_taken") == {editor}  # the editor who had it
    assert AuditEntry.objects.filter(
        article=submitted, action="handling_editor_taken", actor=second_editor
    ).exists()
    page = client.get(reverse("articles:workspace", args=[submitted.pk])).content.decode()
    assert "Handling editor: <strong>Ed Second</strong> (you)" in page

    run(accept_and_review, first)
    assert told("review_submitted") == {second_editor}


def test_authors_and_non_editors_cannot_take_charge(
    client, submitted, editor, author, board_member, run
):
    editor_author = UserFactory(username="edauthor", roles=[Role.EDITOR, Role.AUTHOR])
    submitted.authors.add(editor_author)
    url = reverse("articles:handling_editor", args=[submitted.pk])
    client.force_login(editor_author)
    response = client.post(url)
    assert response.status_code == 403
    assert "You are an author of this article" in response.content.decode()
    client.force_login(author)
    response = client.post(url)
    assert response.status_code == 403
    assert "Only editors can take charge" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.handling_editor is None
    assert not Notification.objects.filter(kind="handling_editor_taken").exists()


def test_resubmission_board_return_and_withdrawal_tell_the_handling_editor(
    reviewed, editor, second_editor, author, board_member, reviewer, second_reviewer, run, advance
):
    article = run(reviewed.fire, "send_to_board", by=editor)
    article = run(article.fire, "return_to_editor", by=board_member, comment="Check doses.")
    assert told("article_returned") == {editor}
    assert "Check doses." in Notification.objects.get(kind="article_returned").body

    mail.outbox.clear()
    for assignment in invite(article, editor, reviewer, second_reviewer):
        accept_and_review(assignment)
    article.refresh_from_db()
    article = article.fire("request_changes", by=editor, comment="Please revise.")
    article = advance(article, "edit")
    article = run(article.fire, "resubmit", by=author)
    assert told("article_resubmitted") == {editor}
    assert told("review_resubmission") == {reviewer, second_reviewer}

    run(article.fire, "withdraw", by=author)
    assert told("article_withdrawn") == {editor}
    assert second_editor not in told("review_outcome") | told("article_withdrawn")


def test_a_reader_message_tells_the_editors_who_may_handle_it(
    draft, editor, second_editor, advance, run
):
    editor_author = UserFactory(username="edauthor", roles=[Role.EDITOR, Role.AUTHOR])
    draft.authors.add(editor_author)
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    type(article).objects.filter(pk=article.pk).update(handling_editor=None)
    article.refresh_from_db()
    Notification.objects.all().delete()
    mail.outbox.clear()
    question = ReaderQuestion(
        article=article,
        revision=article.published_revision,
        audience="patient",
        kind=ReaderQuestion.Kind.ERROR,
        question="The dose in step 2 looks ten times too high.",
    )
    run(reader_question_receive, question=question)
    assert told("reader_question") == {editor, second_editor}
    notice = Notification.objects.filter(kind="reader_question").first()
    assert "reported an error" in notice.subject
    assert notice.link == reverse("office:questions")
    assert emailed() == sorted([editor.email, second_editor.email])


def test_a_reader_question_sent_from_the_public_page_reaches_the_editors(
    client, draft, editor, advance, run
):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    Notification.objects.all().delete()
    response = run(
        client.post,
        reverse("reader:question", args=[article.slug]),
        {"kind": "question", "audience": "patient", "question": "Is it safe in pregnancy?"},
    )
    assert response.status_code == 302
    assert told("reader_question") == {editor}


# -- authors, reviewers, board -----------------------------------------------


def test_a_decision_tells_the_authors_without_reviewer_names_or_confidential_text(
    reviewed, editor, author, reviewer, second_reviewer, run
):
    run(reviewed.fire, "request_changes", by=editor, comment="Please address both reviews.")
    assert told("article_decision") == {author}
    assert told("review_outcome") == {reviewer, second_reviewer}
    (letter,) = [m for m in mail.outbox if m.to == [author.email]]
    entry = Notification.objects.get(kind="article_decision")
    author_text = [letter.body, letter.alternatives[0][0], entry.subject, entry.body]
    assert "Please address both reviews." in letter.body and "Reviewer 1" in letter.body
    for text in author_text:
        assert CONFIDENTIAL not in text
        for person in (reviewer, second_reviewer):
            assert str(person) not in text and person.email not in text
    # Each reviewer hears the outcome, never the other reviewer nor the letter.
    for thanks in Notification.objects.filter(kind="review_outcome"):
        assert "asked the authors for a revised version" in thanks.subject
        other = second_reviewer if thanks.recipient == reviewer else reviewer
        assert str(other) not in thanks.subject + thanks.body
        assert "Please address" not in thanks.body and CONFIDENTIAL not in thanks.body
    assert editor not in told("article_decision") | told("review_outcome")


def test_desk_rejection_tells_the_authors_with_the_reason(submitted, editor, author, run):
    Notification.objects.all().delete()
    run(submitted.fire, "desk_reject", by=editor, comment="Out of our scope.")
    assert told("article_desk_rejected") == {author}
    assert Notification.objects.get().body.endswith("Out of our scope.")
    assert emailed() == [author.email]


def test_the_board_hears_when_an_article_reaches_it_and_only_independent_members(
    reviewed, editor, author, board_member, second_board_member, reviewer, run
):
    board_author = UserFactory(username="boardauthor", roles=[Role.BOARD, Role.AUTHOR])
    reviewed.authors.add(board_author)
    run(reviewed.fire, "send_to_board", by=editor)
    assert told("board_review") == {board_member, second_board_member}
    assert told("article_decision") == {author, board_author}  # an author, not a signer
    assert Notification.objects.filter(kind="board_review").first().link == reverse(
        "reviews:signoff", args=[reviewed.pk]
    )


def test_a_board_member_who_reviewed_it_is_not_asked_to_sign(
    submitted, editor, reviewer, board_member, run
):
    reviewing_member = UserFactory(username="boardrev", roles=[Role.BOARD, Role.REVIEWER])
    for assignment in invite(submitted, editor, reviewer, reviewing_member):
        accept_and_review(assignment)
    submitted.refresh_from_db()
    run(submitted.fire, "send_to_board", by=editor)
    assert told("board_review") == {board_member}


def test_approval_tells_the_authors_and_the_reviewers(
    reviewed, editor, author, board_member, reviewer, second_reviewer, run
):
    article = reviewed.fire("send_to_board", by=editor)
    Notification.objects.all().delete()
    mail.outbox.clear()
    run(board_signoff_record, article=article, member=board_member, password=PASSWORD)
    assert told("article_approved") == {author}
    assert told("review_published") == {reviewer, second_reviewer}
    assert board_member not in {n.recipient for n in Notification.objects.all()}
    assert emailed() == sorted([author.email, reviewer.email, second_reviewer.email])


@pytest.mark.parametrize("kind", ["correction", "update", "retraction"])
def test_notices_tell_the_authors(draft, advance, editor, author, kind, run):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    Notification.objects.all().delete()
    run(article_notice_issue, article=article, editor=editor, kind=kind, reason="Dose fixed.")
    assert told("article_notice") == {author}
    assert Notification.objects.count() == 1  # a retraction is told once, not twice
    assert Notification.objects.get().body == "Dose fixed."


# -- email choices and the daily digest ---------------------------------------


def test_no_email_choice_still_gets_the_inbox_entry(draft, author, editor, run):
    editor.notice_email = NoticeEmail.NONE
    editor.save()
    run(draft.fire, "submit", by=author)
    assert told("article_submitted") == {editor}
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_daily_digest_sends_once_a_day_with_everything_new(editor, stranger, run):
    editor.notice_email = NoticeEmail.DAILY
    editor.save()
    for n in (1, 2):
        run(notify, [editor, stranger], kind="test", subject=f"Thing {n}", link="/desk/")
    assert emailed() == [stranger.email, stranger.email]  # "each" by default
    mail.outbox.clear()

    now = timezone.now()
    assert run(send_daily_digests, now) == 1
    (digest,) = mail.outbox
    assert digest.to == [editor.email]
    assert "Thing 1" in digest.body and "Thing 2" in digest.body
    assert not Notification.objects.filter(recipient=editor, emailed_at__isnull=True).exists()
    assert DailyDigest.objects.get(person=editor).notification_count == 2

    run(notify, [editor], kind="test", subject="Thing 3", link="/desk/")
    assert run(send_daily_digests, now + datetime.timedelta(minutes=5)) == 0  # same day
    assert len(mail.outbox) == 1

    assert run(send_daily_digests, now + datetime.timedelta(days=1)) == 1
    latest = mail.outbox[-1]
    assert "Thing 3" in latest.body and "Thing 1" not in latest.body
    assert run(send_daily_digests, now + datetime.timedelta(days=1, minutes=1)) == 0


def test_a_digest_that_rolls_back_leaves_everything_for_the_next_run(
    editor, run, django_capture_on_commit_callbacks
):
    editor.notice_email = NoticeEmail.DAILY
    editor.save()
    run(notify, [editor], kind="test", subject="Thing", link="/desk/")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_daily_digests()
        raise RuntimeError("the job died before committing")
    assert mail.outbox == [] and not DailyDigest.objects.exists()
    assert run(send_daily_digests) == 1


# -- the inbox ----------------------------------------------------------------


def test_inbox_lists_own_entries_and_the_header_counts_unread(client, editor, stranger):
    notify([editor], kind="test", subject="Older news", link="/desk/")
    notify([editor], kind="test", subject="Newer news", link="/desk/")
    notify([stranger], kind="test", subject="Not for the editor", link="/desk/")
    client.force_login(editor)
    page = client.get(reverse("accounts:inbox")).content.decode()
    assert page.index("Newer news") < page.index("Older news")
    assert "Not for the editor" not in page
    assert page.count(">Unread</span>") == 2
    assert ", 2 unread</span>" in page  # the header's badge, in words
    assert "Mark all as read" in page


def test_opening_an_entry_marks_it_read_and_goes_to_its_page(client, editor, stranger):
    (mine,) = notify([editor], kind="test", subject="Go", link="/desk/")
    (theirs,) = notify([stranger], kind="test", subject="Theirs", link="/desk/")
    client.force_login(editor)
    assert client.get(reverse("accounts:inbox_open", args=[mine.pk])).status_code == 405
    assert client.post(reverse("accounts:inbox_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("accounts:inbox_open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/desk/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert ", 1 unread" not in client.get(reverse("accounts:inbox")).content.decode()


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_an_entry_never_sends_anyone_off_the_site(client, editor, link):
    (notice,) = notify([editor], kind="test", subject="Odd", link=link)
    client.force_login(editor)
    response = client.post(reverse("accounts:inbox_open", args=[notice.pk]))
    assert response.url == reverse("accounts:inbox")


def test_mark_all_as_read_touches_only_own_entries(client, editor, stranger):
    notify([editor, stranger], kind="test", subject="Both", link="/desk/")
    client.force_login(editor)
    response = client.post(reverse("accounts:inbox_read_all"), follow=True)
    assert "1 notification marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=editor).unread().exists()
    assert Notification.objects.filter(recipient=stranger).unread().exists()


def test_empty_inbox_says_so_and_pages_a_long_one(client, editor):
    client.force_login(editor)
    assert "Nothing here yet" in client.get(reverse("accounts:inbox")).content.decode()
    for n in range(30):
        notify([editor], kind="test", subject=f"Item {n}", link="/desk/")
    page = client.get(reverse("accounts:inbox")).content.decode()
    assert "Page 1 of 2" in page and "Item 29" in page and "Item 0<" not in page


def test_email_choice_is_saved_and_recorded_like_profile_edits(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:inbox_email"), {"notice_email": "daily"})
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.notice_email == NoticeEmail.DAILY
    change = ProfileChange.objects.get(person=editor, field="notice_email")
    assert (change.old_value, change.new_value, change.changed_by) == ("each", "daily", editor)
    response = client.post(reverse("accounts:inbox_email"), {"notice_email": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_anonymous_pages_show_no_inbox(client, editor):
    assert "Inbox" not in client.get(reverse("reader:home")).content.decode()
    assert client.get(reverse("accounts:inbox")).status_code == 302


def test_the_digest_is_a_periodic_job_that_runs_hourly_and_sends_once_a_day(
    editor, django_capture_on_commit_callbacks
):
    from core.periodic import enqueue_due, jobs

    (job,) = [job for job in jobs() if job.name == "accounts.tasks.send_daily_digests"]
    assert job.every == datetime.timedelta(hours=1)
    editor.notice_email = NoticeEmail.DAILY
    editor.save()
    notify([editor], kind="test", subject="Thing", link="/desk/")
    mail.outbox.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due(now)  # the test suite's immediate backend runs it at once
        enqueue_due(now + datetime.timedelta(hours=1))
    assert [m.to for m in mail.outbox] == [[editor.email]]
