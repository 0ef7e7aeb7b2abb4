"""The staff home (the editorial desk): for each role a person holds, what
needs them now, counted, each count a link to the page where it is done."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from articles.models import ReaderQuestion
from reviews.models import ReviewAssignment
from reviews.rounds import round_close
from reviews.services import reviewers_invite

DESK = reverse("articles:desk")


def _tasks(page: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} as the desk lists them."""
    found = re.findall(
        r'<li><a href="([^"]+)"><span class="desk-count">(\d+)</span> ([^<]+)</a></li>', page
    )
    return {label: (int(count), href.replace("&amp;", "&")) for href, count, label in found}


def _desk(client, person) -> str:
    client.force_login(person)
    response = client.get(DESK)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def invited(make_article, advance, editor, reviewer):
    article = advance(make_article(title="Invited?"), "submit")
    reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    article.refresh_from_db()
    return article


def test_editor_sees_triage_decisions_overdue_reviews_and_questions(
    client, editor, make_article, advance, invited
):
    advance(make_article(title="Fresh?"), "submit")
    ready = advance(make_article(title="Ready?"), "submit", "start_review")
    round_close(ready.current_round())
    ReviewAssignment.objects.filter(round__article=invited).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    published = advance(make_article(title="Published?"), "submit", "start_review")
    published = advance(published, "send_to_board", "sign")
    ReaderQuestion.objects.create(
        article=published,
        revision=published.published_revision,
        audience="patient",
        question="Is it safe in pregnancy?",
    )

    tasks = _tasks(_desk(client, editor))

    assert tasks["New submissions to triage"][0] == 1
    assert tasks["Rounds ready for your decision"][0] == 1
    assert tasks["Overdue reviews"][0] == 1
    assert tasks["Reader questions to answer"] == (1, reverse("office:questions"))
    # Each count leads to the page where that work is done, which shows it.
    triage = client.get(tasks["New submissions to triage"][1]).content.decode()
    assert "Fresh?" in triage and "Ready?" not in triage
    decide = client.get(tasks["Rounds ready for your decision"][1]).content.decode()
    assert "Round 1 is ready for a decision" in decide
    assert (
        "Is it safe in pregnancy?"
        in client.get(tasks["Reader questions to answer"][1]).content.decode()
    )


def test_editor_is_not_counted_work_on_their_own_article(client, editor, make_article, advance):
    editor.groups.add(Group.objects.get(name=Role.AUTHOR))
    article = make_article(title="Mine?", by=editor)
    article.fire("submit", by=editor, comment="")
    page = _desk(client, editor)
    assert "New submissions to triage" not in page
    assert "Nothing waiting for you here." in page


def test_reviewer_sees_invitations_then_the_review_to_write(client, reviewer, invited):
    tasks = _tasks(_desk(client, reviewer))
    assert tasks == {"Invitations to answer": (1, reverse("reviews:mine"))}
    ReviewAssignment.objects.update(status=ReviewAssignment.Status.ACCEPTED)
    tasks = _tasks(_desk(client, reviewer))
    assert tasks == {"Reviews to write": (1, reverse("reviews:mine"))}


def test_board_member_sees_revisions_awaiting_their_signature(
    client, board_member, second_board_member, policy, make_article, advance
):
    policy.board_quorum = 2
    policy.save()
    article = advance(make_article(), "submit", "start_review", "send_to_board")
    link = reverse("reviews:board_queue")
    assert _tasks(_desk(client, board_member)) == {"Revisions awaiting your signature": (1, link)}
    advance(article, "sign")  # board_member signs; the second has still to
    assert _tasks(_desk(client, board_member)) == {}
    assert _tasks(_desk(client, second_board_member)) == {
        "Revisions awaiting your signature": (1, link)
    }


def test_author_is_sent_straight_to_the_article_waiting_for_changes(
    client, author, make_article, advance
):
    article = advance(make_article(), "submit", "start_review", "request_changes")
    make_article(title="Still a draft?")
    tasks = _tasks(_desk(client, author))
    assert tasks["Articles with changes requested"] == (
        1,
        reverse("articles:edit", args=[article.pk]),
    )
    assert tasks["Drafts to finish and submit"][0] == 1


def test_a_role_with_nothing_to_do_says_so(client, reviewer):
    page = _desk(client, reviewer)
    assert "Nothing needs you right now." in page
    assert "As a reviewer" in page and "Nothing waiting for you here." in page
    assert _tasks(page) == {}


def test_someone_without_a_role_is_offered_no_work(client, stranger, invited):
    page = _desk(client, stranger)
    assert _tasks(page) == {}
    assert "Your account has no role on the editorial team yet." in page
    for heading in ("As an editor", "As a reviewer", "As an Advisory Board member"):
        assert heading not in page


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
