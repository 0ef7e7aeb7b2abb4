"""The editors' queue: what is waiting on whom, most urgent first."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews.models import ReviewAssignment
from reviews.services import reviewers_invite

QUEUE = reverse("office:queue")


@pytest.fixture
def in_review(make_article, advance, editor, reviewer):
    article = advance(make_article(title="In review?"), "submit")
    reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    article.refresh_from_db()
    return article


def test_queue_says_what_is_waiting_on_whom(client, editor, in_review, make_article, advance):
    advance(make_article(title="Fresh submission?"), "submit")
    advance(make_article(title="With the authors?"), "submit", "start_review", "request_changes")
    ReviewAssignment.objects.update(
        invited_at=timezone.now() - datetime.timedelta(days=4),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(editor)
    text = client.get(QUEUE).content.decode()

    assert "New submission to triage" in text
    assert "unanswered for 4 days" in text
    assert "overdue since" in text
    assert "None of the 2 reviewers needed has accepted yet: invite more." in text
    assert "Waiting for the authors to revise (due " in text
    # Most urgent first: the overdue review before the authors' homework.
    assert text.index("In review?") < text.index("With the authors?")


def test_round_ready_for_a_decision_is_flagged(client, editor, draft, advance):
    article = advance(draft, "submit", "start_review")
    from reviews.rounds import round_close

    round_close(article.current_round())
    client.force_login(editor)
    assert "Round 1 is ready for a decision" in client.get(QUEUE).content.decode()


def test_queue_filters_by_state(client, editor, in_review, make_article, advance):
    advance(make_article(title="Fresh submission?"), "submit")
    client.force_login(editor)
    text = client.get(QUEUE, {"state": "submitted"}).content.decode()
    assert "Fresh submission?" in text
    assert "In review?" not in text


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_queue_is_for_editors_only(client, people, role):
    client.force_login(people[role])
    assert client.get(QUEUE).status_code == 403


def test_queue_queries_do_not_grow_with_the_pipeline(
    client, editor, make_article, advance, reviewer, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            article = advance(make_article(title=f"Question {i}?"), "submit")
            reviewers_invite(
                article=article,
                editor=editor,
                reviewers=[reviewer],
                due_date=timezone.localdate() + datetime.timedelta(days=5),
            )

    client.force_login(editor)
    add(2)
    with django_assert_max_num_queries(12):
        assert client.get(QUEUE).status_code == 200
    add(8)
    with django_assert_max_num_queries(12):
        assert client.get(QUEUE).status_code == 200


def _badge_before(page: str, title: str) -> str:
    """The badge shown on an article's row, or "" for none."""
    row = page[: page.index(f">{title}</a>")]
    row = row[row.rindex("<tr>") :]
    found = re.search(r'<span class="badge [^"]*">(\w+)</span>', row)
    return found.group(1) if found else ""


def test_a_submission_from_today_is_new_not_soon_and_urgent_after_three_days(
    client, editor, make_article, advance
):
    article = advance(make_article(title="Arrived today?"), "submit")
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    assert _badge_before(page, "Arrived today?") == "New"
    assert "New submission to triage (arrived today)." in page
    # The legend says what each badge means.
    assert "What the badges mean" in page
    assert "A submission that arrived less than 3 days ago" in page
    Article.objects.filter(pk=article.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    page = client.get(QUEUE).content.decode()
    assert _badge_before(page, "Arrived today?") == "Urgent"
    assert "(arrived 3 days ago)" in page


def test_fresh_invitations_that_can_still_make_up_the_number_raise_no_warning(
    client, editor, make_article, advance, reviewer, second_reviewer
):
    article = advance(make_article(title="Just invited?"), "submit")
    reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    assert (
        "None of the 2 reviewers needed has accepted yet; 2 invitations are waiting for an answer."
        in page
    )
    assert "invite more" not in page
    assert _badge_before(page, "Just invited?") == ""
    ReviewAssignment.objects.filter(reviewer=reviewer).update(
        status=ReviewAssignment.Status.ACCEPTED
    )
    page = client.get(QUEUE).content.decode()
    assert (
        "1 of the 2 reviewers needed has accepted; 1 invitation is waiting for an answer." in page
    )
