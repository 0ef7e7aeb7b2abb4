"""Review finding 6 on issue 19: one person holding the Editor, Reviewer and
Advisory Board roles (granted legitimately by another editor) could invite
themselves to review an article, review it, send it to the board and sign
it: one judgement counted three times. Whoever handles an article as its
editor (`Article.has_handled`) is not one of its reviewers nor an
independent board member for it, and whoever reviewed it does not sign it.
Another person with the same roles still can."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from articles.models import Article, ArticleState, AuditEntry
from articles.rules import board_independence_problem
from reviews.models import BoardSignoff, ReviewAssignment
from reviews.services import (
    board_recuse,
    board_signoff_record,
    invitation_accept,
    review_save,
    reviewers_invite,
    round_allow_fewer_reviews,
)

from ..factories import CONFIRM_ALL, PASSWORD, UserFactory

EVERY_ROLE = [Role.EDITOR, Role.REVIEWER, Role.BOARD]
HANDLED = "handles this article as its editor and cannot also review it"


@pytest.fixture
def triple(db):
    return UserFactory(username="triple", display_name="Tia Triple", roles=EVERY_ROLE)


@pytest.fixture
def twin(db):
    """Holds the same roles, and has done nothing on the article."""
    return UserFactory(username="twin", display_name="Tom Twin", roles=EVERY_ROLE)


def _due():
    return timezone.localdate() + datetime.timedelta(days=7)


def _review(assignment):
    invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
    review_save(
        assignment=assignment,
        reviewer=assignment.reviewer,
        submit=True,
        data={"recommendation": "approve", "comments_to_author": "Clear."},
    )


def _handled_by(person, article, reviewers):
    """`person` invites `reviewers`, who review; `person` sends it to the board."""
    for assignment in reviewers_invite(
        article=article, editor=person, reviewers=reviewers, due_date=_due()
    ):
        _review(assignment)
    article.refresh_from_db()
    return article.fire("send_to_board", by=person)


def _sign(client, member, article):
    client.force_login(member)
    return client.post(
        reverse("reviews:signoff", args=[article.pk]),
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
            "seen_revision": article.current_revision_id,
        },
    )


@pytest.fixture
def submitted(draft, advance):
    return advance(draft, "submit")


def test_one_person_can_no_longer_invite_review_decide_and_sign_the_same_article(
    submitted, triple, reviewer
):
    with pytest.raises(ValidationError, match=HANDLED):
        reviewers_invite(
            article=submitted, editor=triple, reviewers=[triple, reviewer], due_date=_due()
        )
    submitted.refresh_from_db()
    assert submitted.state == ArticleState.SUBMITTED
    assert not ReviewAssignment.objects.exists()


def test_the_editor_is_not_offered_as_a_reviewer_nor_invited_on_the_invite_page(
    client, submitted, triple, twin
):
    client.force_login(triple)
    url = reverse("reviews:invite", args=[submitted.pk])
    candidates = {person.username for person in client.get(url).context["candidates"]}
    assert "triple" not in candidates and "twin" in candidates
    response = client.post(url, {"reviewers": [triple.pk], "due_date": _due().isoformat()})
    assert response.status_code == 400
    assert HANDLED in response.content.decode()
    assert not ReviewAssignment.objects.exists()
    # Another person with the same roles may be invited.
    response = client.post(url, {"reviewers": [twin.pk], "due_date": _due().isoformat()})
    assert response.status_code == 302
    assert ReviewAssignment.objects.get().reviewer == twin


def test_another_editor_cannot_invite_the_article_s_handling_editor(
    client, submitted, triple, twin, reviewer, editor
):
    reviewers_invite(article=submitted, editor=triple, reviewers=[reviewer], due_date=_due())
    client.force_login(editor)
    url = reverse("reviews:invite", args=[submitted.pk])
    candidates = {person.username for person in client.get(url).context["candidates"]}
    assert "triple" not in candidates and "twin" in candidates
    response = client.post(url, {"reviewers": [triple.pk], "due_date": _due().isoformat()})
    assert response.status_code == 400
    assert "Tia Triple handles this article as its editor" in response.content.decode()
    assert not ReviewAssignment.objects.filter(reviewer=triple).exists()


def test_a_reviewer_who_then_acts_as_editor_can_no_longer_accept_or_review(
    client, submitted, triple, twin, reviewer, editor
):
    triple_invited, twin_invited = reviewers_invite(
        article=submitted, editor=editor, reviewers=[triple, twin], due_date=_due()
    )
    invitation_accept(assignment=triple_invited, reviewer=triple, has_conflict=False)
    # Then triple handles the article: invites another reviewer.
    reviewers_invite(article=submitted, editor=triple, reviewers=[reviewer], due_date=_due())
    client.force_login(triple)
    response = client.post(
        reverse("reviews:assignment", args=[triple_invited.pk]),
        {"recommendation": "approve", "comments_to_author": "Fine.", "action": "submit"},
    )
    assert response.status_code == 403
    assert "You have handled this article as its editor" in response.content.decode()
    assert not AuditEntry.objects.filter(action="review_submitted", actor=triple).exists()

    # The other person with the same roles reviews as invited.
    _review(twin_invited)
    assert AuditEntry.objects.filter(action="review_submitted", actor=twin).exists()


def test_an_invited_reviewer_who_then_acts_as_editor_cannot_accept(
    client, submitted, triple, twin, reviewer, editor
):
    triple_invited, twin_invited = reviewers_invite(
        article=submitted, editor=editor, reviewers=[triple, twin], due_date=_due()
    )
    reviewers_invite(article=submitted, editor=triple, reviewers=[reviewer], due_date=_due())
    client.force_login(triple)
    response = client.post(
        reverse("reviews:respond", args=[triple_invited.pk]),
        {"action": "accept", "conflict": "none"},
    )
    assert response.status_code == 403
    assert "You have handled this article as its editor" in response.content.decode()
    triple_invited.refresh_from_db()
    assert triple_invited.status == ReviewAssignment.Status.INVITED
    invitation_accept(assignment=twin_invited, reviewer=twin, has_conflict=False)


def test_the_handling_editor_cannot_sign_return_or_approve(
    client, submitted, triple, twin, reviewer, second_reviewer
):
    article = _handled_by(triple, submitted, [reviewer, second_reviewer])
    response = _sign(client, triple, article)
    assert response.status_code == 403
    assert "You handled this article as its editor" in response.content.decode()
    with pytest.raises(PermissionDenied):
        board_signoff_record(article=article, member=triple, password=PASSWORD)
    response = client.post(
        reverse("articles:transition", args=[article.pk, "return_to_editor"]),
        {"comment": "Back.", "seen_state": ArticleState.BOARD_REVIEW},
    )
    assert response.status_code == 403
    queue = client.get(reverse("reviews:board_queue")).content.decode()
    assert "Not yours to sign: you handled or reviewed it" in queue
    page = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "You handled this article as its editor, so another board member" in page
    assert "Sign electronically" not in page
    assert not BoardSignoff.objects.exists()

    # The other person with the same roles signs, and that is the quorum.
    assert _sign(client, twin, article).status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED


def test_a_reviewer_of_the_article_does_not_sign_it(
    client, submitted, triple, twin, reviewer, editor
):
    article = _handled_by(editor, submitted, [triple, reviewer])
    response = _sign(client, triple, article)
    assert response.status_code == 403
    assert "You reviewed this article, so another board member" in response.content.decode()
    assert not BoardSignoff.objects.exists()
    assert _sign(client, twin, article).status_code == 302


def test_recording_a_fewer_reviews_exception_is_handling_the_article(
    client, submitted, triple, twin, reviewer, editor
):
    (assignment,) = reviewers_invite(
        article=submitted, editor=editor, reviewers=[reviewer], due_date=_due()
    )
    _review(assignment)
    round_allow_fewer_reviews(
        review_round=submitted.current_round(), editor=triple, reason="The second one is ill."
    )
    submitted.refresh_from_db()
    article = submitted.fire("send_to_board", by=editor)
    assert "You handled this article" in board_independence_problem(triple, article)
    assert _sign(client, triple, article).status_code == 403
    assert _sign(client, twin, article).status_code == 302


def test_the_independence_rule_and_its_query_agree(
    submitted, triple, twin, reviewer, editor, author, board_member
):
    author.groups.add(*board_member.groups.all())
    stepped = UserFactory(username="stepped", roles=[Role.BOARD])
    conflicted = UserFactory(username="conflicted", roles=[Role.REVIEWER, Role.BOARD])
    (declared,) = reviewers_invite(
        article=submitted, editor=triple, reviewers=[conflicted], due_date=_due()
    )
    invitation_accept(
        assignment=declared, reviewer=conflicted, has_conflict=True, conflict_details="Co-author."
    )
    article = _handled_by(triple, submitted, [twin, reviewer])
    board_recuse(article=article, member=stepped, reason="Consults for the maker.")
    fresh = UserFactory(username="fresh", roles=[Role.BOARD])
    expected = {triple: False, twin: False, stepped: False, author: False, editor: False}
    expected[conflicted] = False
    expected[fresh] = True
    expected[board_member] = True
    for person, independent in expected.items():
        article = Article.objects.get(pk=article.pk)
        assert (not board_independence_problem(person, article)) is independent, person
        in_query = Article.objects.signable_by(person).filter(pk=article.pk).exists()
        assert in_query is independent, person


def test_an_editor_who_reviewed_the_article_does_not_decide_on_it(
    client, submitted, editor, twin, reviewer
):
    # Another editor invites `twin` (Editor and Reviewer roles) as a reviewer.
    for assignment in reviewers_invite(
        article=submitted, editor=editor, reviewers=[twin, reviewer], due_date=_due()
    ):
        _review(assignment)
    client.force_login(twin)
    workspace = client.get(reverse("articles:workspace", args=[submitted.pk])).content.decode()
    assert "Send to Advisory Board" not in workspace.split('id="revisions-heading"')[0]
    response = client.post(
        reverse("articles:transition", args=[submitted.pk, "send_to_board"]),
        {"comment": "Looks good to me.", "seen_state": ArticleState.UNDER_REVIEW},
    )
    assert response.status_code == 403
    assert "You reviewed this article, so another editor decides on it" in (
        response.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.state == ArticleState.UNDER_REVIEW
    # The editor who did not review decides.
    article = submitted.fire("send_to_board", by=editor, comment="Two reviews in.")
    assert article.state == ArticleState.BOARD_REVIEW
