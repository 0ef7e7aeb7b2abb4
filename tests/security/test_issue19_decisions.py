"""Issue 19, item 4: the editor decides after review only with the reviews
the policy asks for, unless they record why they decide with fewer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleState, AuditEntry
from reviews.models import ReviewRound
from reviews.services import invitation_accept, review_save, reviewers_invite

S = ArticleState
DECISIONS = {
    "request_changes": S.CHANGES_REQUESTED,
    "send_to_board": S.BOARD_REVIEW,
    "reject": S.REJECTED,
}


def _decide(client, article, name, comment="The editor's letter."):
    return client.post(
        reverse("articles:transition", args=[article.pk, name]),
        {"comment": comment, "seen_state": S.UNDER_REVIEW},
    )


def _one_review(article, editor, reviewer):
    (assignment,) = reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
    review_save(
        assignment=assignment,
        reviewer=reviewer,
        submit=True,
        data={"recommendation": "minor", "comments_to_author": "Add the dose."},
    )
    article.refresh_from_db()
    return article


@pytest.fixture
def under_review(draft, advance):
    return advance(draft, "submit", "start_review")


def test_the_default_policy_asks_for_two_reviews(policy):
    assert policy.reviewers_per_round == 2


@pytest.mark.parametrize("name", DECISIONS)
def test_editor_cannot_decide_with_no_reviews(client, under_review, editor, name):
    client.force_login(editor)
    response = _decide(client, under_review, name)
    assert response.status_code == 409
    assert (
        "The policy asks for 2 submitted reviews in round 1 before a decision; 0 are in."
        in response.content.decode()
    )
    under_review.refresh_from_db()
    assert under_review.state == S.UNDER_REVIEW
    assert not AuditEntry.objects.filter(action=name).exists()


@pytest.mark.parametrize("name", DECISIONS)
def test_one_review_of_two_is_not_enough(client, under_review, editor, reviewer, name):
    article = _one_review(under_review, editor, reviewer)
    client.force_login(editor)
    response = _decide(client, article, name)
    assert response.status_code == 409
    assert "2 submitted reviews in round 1 before a decision; 1 is in." in (
        response.content.decode()
    )


@pytest.mark.parametrize(("name", "target"), DECISIONS.items())
def test_editor_decides_once_the_reviews_are_in(
    client, under_review, advance, editor, name, target
):
    article = advance(under_review, "reviews")
    client.force_login(editor)
    assert _decide(client, article, name).status_code == 302
    article.refresh_from_db()
    assert article.state == target


def test_workspace_and_round_page_say_why_the_decisions_wait(client, under_review, editor):
    client.force_login(editor)
    workspace = client.get(reverse("articles:workspace", args=[under_review.pk])).content.decode()
    assert "The policy asks for 2 submitted reviews in round 1" in workspace
    assert "Send to Advisory Board" not in workspace.split('id="revisions-heading"')[0]
    # ...and points to what the editor can do instead of "nothing to do".
    assert "Invite another reviewer" in workspace
    assert "nothing for you to do" not in workspace
    page = client.get(reverse("reviews:round", args=[under_review.pk, 1])).content.decode()
    assert "The policy asks for 2 submitted reviews in round 1" in page
    assert "Decide with fewer reviews" in page


def test_editor_may_decide_with_fewer_reviews_after_recording_why(
    client, under_review, editor, reviewer
):
    article = _one_review(under_review, editor, reviewer)
    client.force_login(editor)
    url = reverse("reviews:round_fewer_reviews", args=[article.pk, 1])

    # A blank reason comes back on the round's page with why (it was a
    # message after a redirect before).
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Please say why the round can be decided with fewer reviews." in (
        response.content.decode()
    )
    assert not ReviewRound.objects.get(article=article).fewer_reviews_reason
    assert _decide(client, article, "send_to_board").status_code == 409

    reason = "The second reviewer is ill; the first is our renal pharmacist."
    response = client.post(url, {"reason": reason}, follow=True)
    assert "may be decided with fewer reviews" in response.content.decode()
    review_round = ReviewRound.objects.get(article=article)
    assert (review_round.fewer_reviews_reason, review_round.fewer_reviews_by) == (reason, editor)
    assert review_round.fewer_reviews_at is not None
    entry = AuditEntry.objects.get(action="fewer_reviews_accepted")
    assert entry.actor == editor
    assert "1 of the 2 submitted reviews" in entry.comment and reason in entry.comment
    page = client.get(reverse("reviews:round", args=[article.pk, 1])).content.decode()
    # Before the decision the banner says what may happen, not what did.
    assert "May be decided with fewer reviews than the policy asks" in page and reason in page

    assert _decide(client, article, "send_to_board").status_code == 302
    article.refresh_from_db()
    assert article.state == S.BOARD_REVIEW
    page = client.get(reverse("reviews:round", args=[article.pk, 1])).content.decode()
    assert "Decided with fewer reviews than the policy asks" in page


def test_a_refused_reason_comes_back_as_typed(client, under_review, editor, reviewer):
    article = _one_review(under_review, editor, reviewer)
    client.force_login(editor)
    typed = "The second reviewer is ill. " * 80  # past the 2 000 characters allowed
    response = client.post(
        reverse("reviews:round_fewer_reviews", args=[article.pk, 1]), {"reason": typed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert typed.strip() in page
    assert "at most 2000 characters" in page
    assert not ReviewRound.objects.get(article=article).fewer_reviews_reason


def test_after_a_board_return_the_editor_is_told_nobody_is_invited_yet(
    client, under_review, advance, editor, board_member, reviewer
):
    article = advance(under_review, "reviews", "send_to_board")
    article.fire("return_to_editor", by=board_member, comment="Check table 2.")
    client.force_login(editor)
    expected = "No reviewers are invited in round 2 yet: invite reviewers, or record"
    workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert expected in workspace
    assert expected in client.get(reverse("reviews:round", args=[article.pk, 2])).content.decode()
    response = _decide(client, article, "send_to_board")
    assert response.status_code == 409 and expected in response.content.decode()
    # Once someone is invited, the editor is told to wait for them instead.
    reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "No reviewers are invited" not in workspace
    assert "in round 2 before a decision; 0 are in. Wait for the reviewers" in workspace


def test_the_exception_is_for_editors_only(client, under_review, people):
    url = reverse("reviews:round_fewer_reviews", args=[under_review.pk, 1])
    for role, status in [("author", 403), ("reviewer", 404), ("board_member", 404)]:
        client.force_login(people[role])
        assert client.post(url, {"reason": "Trust me."}).status_code == status, role
    assert not ReviewRound.objects.filter(fewer_reviews_reason__gt="").exists()
    assert not AuditEntry.objects.filter(action="fewer_reviews_accepted").exists()


def test_the_exception_covers_one_round_only(client, under_review, advance, editor, board_member):
    client.force_login(editor)
    client.post(
        reverse("reviews:round_fewer_reviews", args=[under_review.pk, 1]),
        {"reason": "Urgent safety update."},
    )
    assert _decide(client, under_review, "send_to_board").status_code == 302
    under_review.refresh_from_db()
    under_review.fire("return_to_editor", by=board_member, comment="Check table 2.")
    client.force_login(editor)
    response = _decide(client, under_review, "send_to_board")
    assert response.status_code == 409
    assert "in round 2 before a decision; 0 are in." in response.content.decode()
    # An earlier round's exception cannot be recorded again to cover this one.
    response = client.post(
        reverse("reviews:round_fewer_reviews", args=[under_review.pk, 1]),
        {"reason": "Again."},
        follow=True,
    )
    assert "This round is not waiting for a decision." in response.content.decode()


def test_desk_reject_and_withdraw_need_no_reviews(
    client, draft, make_article, advance, editor, author
):
    submitted = advance(draft, "submit")
    client.force_login(editor)
    response = client.post(
        reverse("articles:transition", args=[submitted.pk, "desk_reject"]),
        {"comment": "Out of scope.", "seen_state": S.SUBMITTED},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.REJECTED

    in_review = advance(make_article(title="Second question?"), "submit", "start_review")
    client.force_login(author)
    response = client.post(
        reverse("articles:transition", args=[in_review.pk, "withdraw"]),
        {"comment": "", "seen_state": S.UNDER_REVIEW},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == S.WITHDRAWN
