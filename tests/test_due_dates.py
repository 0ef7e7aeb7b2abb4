"""Due dates that move work: the authors' revision due date (from the
policy, shown, reminded, moved by an editor, cleared on resubmission);
reviewers asking for more time and editors granting or refusing it, with
the reminders following the new date; editors moving a reviewer's due
date; re-inviting a reviewer who declined earlier in the round."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification, Role
from articles.models import ArticleState, AuditEntry, EditorialPolicy, PolicyVersion
from articles.reminders import send_revision_reminders
from reviews.models import ExtensionRequest, ReminderSent, ReviewAssignment
from reviews.reminders import send_due_reminders
from reviews.services import (
    extension_decide,
    extension_request,
    invitation_accept,
    invitation_decline,
    reviewers_invite,
)
from tests.factories import UserFactory

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DUE = datetime.date(2026, 3, 16)


def day(n: int) -> datetime.date:
    return datetime.date(2026, 3, n)


@pytest.fixture
def editor_author(db):
    return UserFactory(username="edauthor", roles=[Role.EDITOR, Role.AUTHOR])


@pytest.fixture
def second_editor(db):
    return UserFactory(username="editor2", display_name="Ed Second", roles=[Role.EDITOR])


@pytest.fixture
def article(make_article, editor_author, author, advance):
    """Submitted, written by `author` and an editor (`editor_author`), who
    therefore may not handle it."""
    with time_machine.travel(START, tick=False):
        article = make_article()
        article.authors.add(editor_author)
        return advance(article, "submit")


@pytest.fixture
def accepted(article, editor, reviewer):
    """The reviewer accepted an invitation due on 16 March."""
    with time_machine.travel(START, tick=False):
        (assignment,) = reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer], due_date=DUE
        )
        invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
    assignment.refresh_from_db()
    return assignment


def _at(n: int):
    return time_machine.travel(START.replace(day=n), tick=False)


# -- Reviewers ask for more time -------------------------------------------------


def test_reviewer_asks_for_more_time_and_the_editors_are_told(
    client, accepted, reviewer, editor, second_editor, editor_author
):
    client.force_login(reviewer)
    url = reverse("reviews:more_time", args=[accepted.pk])
    with _at(10):
        page = client.get(reverse("reviews:assignment", args=[accepted.pk])).content.decode()
        assert url in page  # "Ask for more time"
        response = client.post(url, {"due_date": "2026-03-26", "reason": "Away at a congress."})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.is_pending and request.requested_date == day(26)
    assert request.previous_due_date == DUE
    told = set(Notification.objects.filter(kind="extension_requested").values_list(
        "recipient__username", flat=True
    ))  # fmt: skip
    # The editor who started the review handles the article: only they are
    # told (never the editor who wrote it, nor the other editors).
    assert told == {"editor"}
    entry = AuditEntry.objects.get(action="extension_requested")
    assert "26 Mar 2026" in entry.comment and "Away at a congress." in entry.comment
    # Pending: the page says so and offers no second request.
    with _at(10):
        page = client.get(url).content.decode()
    assert "have not answered yet" in page and "<form" not in page.split("</header>")[-1]


def test_a_request_without_a_reason_is_refused_and_keeps_the_date(client, accepted, reviewer):
    client.force_login(reviewer)
    with _at(10):
        response = client.post(
            reverse("reviews:more_time", args=[accepted.pk]), {"due_date": "2026-03-26"}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "why you need more time" in page and 'value="2026-03-26"' in page
    assert not ExtensionRequest.objects.exists()


def test_a_request_must_be_later_than_the_current_due_date(client, accepted, reviewer):
    client.force_login(reviewer)
    with _at(10):
        response = client.post(
            reverse("reviews:more_time", args=[accepted.pk]),
            {"due_date": "2026-03-12", "reason": "Busy."},
        )
    assert response.status_code == 400
    assert "after the current due date, 16 Mar 2026" in response.content.decode()


def test_only_one_request_waits_at_a_time(accepted, reviewer):
    with _at(10):
        extension_request(assignment=accepted, reviewer=reviewer, due_date=day(20), reason="Ill.")
        with pytest.raises(Exception, match="already asked for more time"):
            extension_request(
                assignment=accepted, reviewer=reviewer, due_date=day(22), reason="Still ill."
            )
    assert ExtensionRequest.objects.count() == 1


def test_an_invited_reviewer_who_has_not_accepted_cannot_ask(client, article, editor, reviewer):
    with _at(2):
        (assignment,) = reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer], due_date=DUE
        )
    client.force_login(reviewer)
    with _at(3):
        response = client.get(reverse("reviews:more_time", args=[assignment.pk]))
    assert response.status_code == 403
    assert "once the invitation is accepted" in response.content.decode()


def test_granting_moves_the_due_date_and_the_reminders_follow(
    client, accepted, reviewer, editor, mailoutbox
):
    # Two days before the first due date, the due-soon reminder goes.
    assert [step for _, step in send_due_reminders(day(14))] == ["due-soon"]
    with _at(14):
        request = extension_request(
            assignment=accepted, reviewer=reviewer, due_date=day(26), reason="Need the trial data."
        )
    client.force_login(editor)
    with _at(14):
        page = client.get(reverse("reviews:invite", args=[accepted.round.article_id]))
        assert reverse("reviews:extension", args=[request.pk]) in page.content.decode()
        response = client.post(
            reverse("reviews:extension", args=[request.pk]),
            {"decision": "grant", "due_date": "2026-03-26", "note": ""},
        )
    assert response.status_code == 302
    accepted.refresh_from_db()
    request.refresh_from_db()
    assert accepted.due_date == day(26)
    assert request.status == "granted" and request.granted_date == day(26)
    assert request.decided_by == editor
    assert Notification.objects.filter(recipient=reviewer, kind="extension_granted").exists()
    assert AuditEntry.objects.filter(action="extension_granted").count() == 1

    # The old date's reminder is not repeated, and nothing is overdue on the 19th.
    assert send_due_reminders(day(15)) == []
    assert send_due_reminders(day(19)) == []
    # The new date gets its own due-soon reminder, once.
    assert [step for _, step in send_due_reminders(day(24))] == ["due-soon"]
    assert send_due_reminders(day(25)) == []
    rows = sorted(ReminderSent.objects.values_list("due_date", "step"))
    assert rows == [(DUE, "due-soon"), (day(26), "due-soon")]


def test_the_editor_may_grant_another_date_than_asked(accepted, reviewer, editor):
    with _at(10):
        request = extension_request(
            assignment=accepted, reviewer=reviewer, due_date=day(30), reason="Travelling."
        )
        extension_decide(request=request, editor=editor, grant=True, due_date=day(23), note="Ok")
    accepted.refresh_from_db()
    assert accepted.due_date == day(23)
    assert "23 Mar 2026" in AuditEntry.objects.get(action="extension_granted").comment


def test_refusing_leaves_the_due_date_and_tells_the_reviewer(client, accepted, reviewer, editor):
    with _at(10):
        request = extension_request(
            assignment=accepted, reviewer=reviewer, due_date=day(26), reason="Busy."
        )
    client.force_login(editor)
    with _at(10):
        response = client.post(
            reverse("reviews:extension", args=[request.pk]),
            {"decision": "refuse", "note": "The board meets on the 18th."},
        )
    assert response.status_code == 302
    accepted.refresh_from_db()
    request.refresh_from_db()
    assert accepted.due_date == DUE and request.status == "refused"
    notice = Notification.objects.get(recipient=reviewer, kind="extension_refused")
    assert "The board meets on the 18th." in notice.body
    assert AuditEntry.objects.filter(action="extension_refused").count() == 1
    # The reviewer sees the answer and may ask again.
    client.force_login(reviewer)
    with _at(10):
        page = client.get(reverse("reviews:assignment", args=[accepted.pk])).content.decode()
    assert "Refused" in page and reverse("reviews:more_time", args=[accepted.pk]) in page


def test_a_request_another_editor_answered_says_so(
    client, accepted, reviewer, editor, second_editor
):
    with _at(10):
        request = extension_request(
            assignment=accepted, reviewer=reviewer, due_date=day(26), reason="Busy."
        )
        extension_decide(request=request, editor=second_editor, grant=True)
    client.force_login(editor)
    with _at(10):
        response = client.post(
            reverse("reviews:extension", args=[request.pk]),
            {"decision": "refuse", "note": "No."},
        )
    assert response.status_code == 409
    assert "Ed Second already granted this request" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.due_date == day(26)


def test_an_editor_moves_a_reviewers_due_date(client, accepted, reviewer, editor):
    send_due_reminders(day(14))
    client.force_login(editor)
    with _at(14):
        response = client.post(
            reverse("reviews:due_date", args=[accepted.pk]),
            {"due_date": "2026-03-20", "note": "The round was reopened."},
        )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.due_date == day(20)
    assert Notification.objects.filter(recipient=reviewer, kind="review_due_date_moved").exists()
    assert "20 Mar 2026" in AuditEntry.objects.get(action="review_due_date_moved").comment
    assert [step for _, step in send_due_reminders(day(18))] == ["due-soon"]


def test_a_moved_due_date_in_the_past_is_refused_with_the_input_kept(client, accepted, editor):
    client.force_login(editor)
    with _at(14):
        response = client.post(
            reverse("reviews:due_date", args=[accepted.pk]),
            {"due_date": "2026-03-01", "note": "Typo"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "in the past" in page and "Typo" in page


# -- Who may do each thing -------------------------------------------------------


def _as(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("author", 404),
        ("editor_author", 404),
        ("editor", 404),
        ("second_reviewer", 404),
        ("board_member", 404),
        ("stranger", 404),
        ("reviewer", 200),
    ],
)
def test_only_the_reviewer_asks_for_more_time(client, request, accepted, who, status):
    _as(client, request.getfixturevalue(who) if who else None)
    url = reverse("reviews:more_time", args=[accepted.pk])
    with _at(10):
        assert client.get(url).status_code == status
        response = client.post(url, {"due_date": "2026-03-26", "reason": "Busy."})
    assert response.status_code == (302 if who == "reviewer" else status)
    assert ExtensionRequest.objects.exists() == (who == "reviewer")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("author", 403),
        ("editor_author", 403),
        ("reviewer", 404),
        ("second_reviewer", 404),
        ("board_member", 404),
        ("stranger", 404),
        ("editor", 200),
    ],
)
@pytest.mark.parametrize("page", ["reviews:extension", "reviews:due_date"])
def test_only_a_handling_editor_answers_requests_and_moves_due_dates(
    client, request, accepted, reviewer, who, status, page
):
    with _at(10):
        extension = extension_request(
            assignment=accepted, reviewer=reviewer, due_date=day(26), reason="Busy."
        )
    target = extension.pk if page == "reviews:extension" else accepted.pk
    _as(client, request.getfixturevalue(who) if who else None)
    url = reverse(page, args=[target])
    with _at(10):
        response = client.get(url)
        assert response.status_code == status
        if status == 403:
            assert b"editor" in response.content  # says who may
        response = client.post(url, {"decision": "grant", "due_date": "2026-03-28"})
    assert response.status_code == (302 if who == "editor" else status)
    accepted.refresh_from_db()
    assert (accepted.due_date == day(28)) == (who == "editor")


# -- Re-inviting a reviewer who declined -----------------------------------------


def test_a_reviewer_who_declined_can_be_invited_again(
    client, article, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(2):
        (first,) = reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer], due_date=DUE
        )
        invitation_decline(assignment=first, reviewer=reviewer, reason="On leave this week.")
    client.force_login(editor)
    with _at(9):
        page = client.get(reverse("reviews:invite", args=[article.pk])).content.decode()
        assert f'value="{reviewer.pk}"' in page  # offered again
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reviews:invite", args=[article.pk]),
                {"reviewers": [reviewer.pk], "due_date": "2026-03-23", "message": "Back now?"},
            )
    assert response.status_code == 302
    rows = list(ReviewAssignment.objects.filter(reviewer=reviewer).order_by("pk"))
    assert [(a.status, a.due_date) for a in rows] == [("declined", DUE), ("invited", day(23))]
    assert rows[0].decline_reason == "On leave this week."  # the earlier answer stays
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    entry = AuditEntry.objects.filter(action="reviewers_invited").latest("pk")
    assert "Invited again after declining earlier in this round" in entry.comment
    # The new invitation works like any other.
    with _at(10):
        invitation_accept(assignment=rows[1], reviewer=reviewer, has_conflict=False)
    client.force_login(reviewer)
    with _at(10):
        assert client.get(reverse("reviews:mine")).status_code == 200


@pytest.mark.parametrize("answer", ["invited", "accepted"])
def test_someone_still_invited_or_reviewing_is_not_invited_twice(article, editor, reviewer, answer):
    with _at(2):
        (assignment,) = reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer], due_date=DUE
        )
        if answer == "accepted":
            invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
        with pytest.raises(ValidationError, match="Already invited to this round"):
            reviewers_invite(article=article, editor=editor, reviewers=[reviewer], due_date=DUE)
    assert ReviewAssignment.objects.filter(reviewer=reviewer).count() == 1


# -- The authors' revision due date ----------------------------------------------


@pytest.fixture
def changes_requested(article, advance):
    with _at(3):
        return advance(article, "start_review", "request_changes")


def test_requesting_changes_sets_the_revision_due_date_from_the_policy(
    client, changes_requested, author, editor
):
    assert changes_requested.revision_due_date == day(3) + datetime.timedelta(days=30)
    client.force_login(author)
    with _at(4):
        workspace = client.get(changes_requested.get_absolute_url()).content.decode()
        desk = client.get(reverse("articles:desk")).content.decode()
    assert "The revised draft is due" in workspace and "2 Apr 2026" in workspace
    assert reverse("articles:revision_due_date", args=[changes_requested.pk]) not in workspace
    assert "due 2 Apr 2026" in desk
    client.force_login(editor)
    with _at(4):
        workspace = client.get(changes_requested.get_absolute_url()).content.decode()
        queue = client.get(reverse("office:queue")).content.decode()
    assert reverse("articles:revision_due_date", args=[changes_requested.pk]) in workspace
    assert "Waiting for the authors to revise (due 2 Apr 2026)" in queue


def test_resubmitting_clears_the_revision_due_date(changes_requested, advance):
    with _at(5):
        article = advance(changes_requested, "edit", "resubmit")
    assert article.state == ArticleState.UNDER_REVIEW and article.revision_due_date is None
    assert send_revision_reminders(datetime.date(2026, 4, 1)) == []


def test_authors_are_reminded_before_and_after_once_per_step(changes_requested, author):
    due = changes_requested.revision_due_date  # 2 April
    runs = [due - datetime.timedelta(days=n) for n in (5, 3, 2, 0)]
    runs += [due + datetime.timedelta(days=n) for n in (1, 7, 7, 8, 14, 15)]
    steps = [step for today in runs for _, step in send_revision_reminders(today)]
    assert steps == ["due-soon", "overdue-1", "overdue-2"]
    told = Notification.objects.filter(recipient=author, kind="revision_reminder")
    assert told.count() == 3
    assert told.filter(link=changes_requested.get_absolute_url()).count() == 3


def test_an_editor_moves_the_revision_due_date_and_the_authors_are_told(
    client, changes_requested, author, editor
):
    send_revision_reminders(datetime.date(2026, 3, 31))  # due-soon for 2 April
    client.force_login(editor)
    url = reverse("articles:revision_due_date", args=[changes_requested.pk])
    with _at(31):
        assert client.get(url).status_code == 200
        refused = client.post(url, {"due_date": "2026-04-20"})
        assert refused.status_code == 400
        assert 'value="2026-04-20"' in refused.content.decode()
        response = client.post(
            url, {"due_date": "2026-04-20", "reason": "The authors asked for time."}
        )
    assert response.status_code == 302
    changes_requested.refresh_from_db()
    assert changes_requested.revision_due_date == datetime.date(2026, 4, 20)
    entry = AuditEntry.objects.get(action="revision_due_date_changed")
    assert "20 Apr 2026" in entry.comment and "was 2 Apr 2026" in entry.comment
    notice = Notification.objects.get(recipient=author, kind="revision_due_date_changed")
    assert "The authors asked for time." in notice.body
    # The reminders follow the new date.
    assert send_revision_reminders(datetime.date(2026, 4, 3)) == []
    assert [s for _, s in send_revision_reminders(datetime.date(2026, 4, 18))] == ["due-soon"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("author", 403),
        ("editor_author", 403),
        ("reviewer", 404),
        ("board_member", 404),
        ("stranger", 404),
        ("editor", 200),
    ],
)
def test_only_a_handling_editor_moves_the_revision_due_date(
    client, request, changes_requested, who, status
):
    _as(client, request.getfixturevalue(who) if who else None)
    url = reverse("articles:revision_due_date", args=[changes_requested.pk])
    with _at(10):
        assert client.get(url).status_code == status
        response = client.post(url, {"due_date": "2026-04-20", "reason": "More time."})
    assert response.status_code == (302 if who == "editor" else status)
    changes_requested.refresh_from_db()
    moved = changes_requested.revision_due_date == datetime.date(2026, 4, 20)
    assert moved == (who == "editor")


def test_the_revision_due_date_cannot_move_once_resubmitted(
    client, changes_requested, advance, editor
):
    client.force_login(editor)
    url = reverse("articles:revision_due_date", args=[changes_requested.pk])
    with _at(5):
        assert client.get(url).status_code == 200  # the editor's page, loaded before...
        advance(changes_requested, "edit", "resubmit")  # ...the authors resubmit
        response = client.post(url, {"due_date": "2026-04-20", "reason": "More time."})
    assert response.status_code == 409
    assert "no longer awaited" in response.content.decode()
    assert 'value="2026-04-20"' in response.content.decode()


def test_the_policy_setting_is_audited_versioned_and_public(client, editor, policy):
    client.force_login(editor)
    data = {
        "text": policy.text,
        **policy.settings_snapshot(),
        "revision_due_days": 21,
        "note": "Shorter revisions.",
        "seen_version": PolicyVersion.objects.order_by("-number").first().number,
    }
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("office:policy"), data)
    assert response.status_code == 302
    assert EditorialPolicy.current().revision_due_days == 21
    latest = PolicyVersion.objects.order_by("-number").first()
    changes = {c["field"]: (c["old"], c["new"]) for c in latest.changes}
    assert changes["revision_due_days"] == (30, 21)
    assert latest.settings_snapshot["revision_due_days"] == 21
    page = client.get(reverse("reader:policy")).content.decode()
    assert "revised draft after the editor asks for changes: 21 days" in page


def test_a_waiting_request_shows_on_the_editors_desk_and_queue(
    client, accepted, reviewer, editor, editor_author
):
    with _at(10):
        extension_request(assignment=accepted, reviewer=reviewer, due_date=day(26), reason="Busy.")
    client.force_login(editor)
    with _at(10):
        desk = client.get(reverse("articles:desk")).content.decode()
        queue = client.get(reverse("office:queue")).content.decode()
    assert "Requests for more time to answer" in desk
    assert "asks for more time (until 26 Mar 2026): grant or refuse." in queue
    # Not to the editor who wrote the article: another editor answers.
    client.force_login(editor_author)
    with _at(10):
        queue = client.get(reverse("office:queue")).content.decode()
    assert "asks for more time" not in queue
