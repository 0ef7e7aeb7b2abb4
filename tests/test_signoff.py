"""Advisory Board sign-off: an electronic signature on an exact revision."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role
from articles.models import ArticleState, AuditEntry
from reviews.models import BoardSignoff

from .factories import PASSWORD, UserFactory


@pytest.fixture
def in_board_review(draft, advance):
    return advance(draft, "submit", "start_review", "send_to_board")


def _sign(client, article, password=PASSWORD, confirm=True, **extra):
    data = {"password": password, "seen_revision": article.current_revision_id, **extra}
    if confirm:
        data["confirm"] = "on"
        data.update({f"confirm_{name}": "on" for name in ("professional", "patient", "student")})
    return client.post(reverse("reviews:signoff", args=[article.pk]), data)


def test_first_signature_waits_for_the_quorum_and_second_approves(
    client, in_board_review, board_member, second_board_member, policy
):
    policy.board_quorum = 2
    policy.save()
    client.force_login(board_member)
    response = _sign(client, in_board_review)
    assert response.status_code == 302
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.BOARD_REVIEW
    assert in_board_review.published_revision is None
    workspace = client.get(reverse("articles:workspace", args=[in_board_review.pk]))
    assert "1 of 2 required sign-offs so far" in workspace.content.decode()
    assert "Sign off revision 1" not in workspace.content.decode()  # signed already

    client.force_login(second_board_member)
    response = _sign(client, in_board_review)
    assert response.status_code == 302
    assert "completed the quorum" in client.get(response.url).content.decode()
    in_board_review.refresh_from_db()
    revision = in_board_review.current_revision
    assert in_board_review.state == ArticleState.APPROVED
    assert in_board_review.published_revision == revision
    assert revision.approved_at is not None
    signatures = BoardSignoff.objects.filter(revision=revision)
    assert {s.signer for s in signatures} == {board_member, second_board_member}
    assert all(s.content_hash == revision.content_hash for s in signatures)
    actions = list(in_board_review.audit_entries.values_list("action", flat=True))
    assert actions[-3:] == ["sign_off", "sign_off", "approve"]


def test_next_review_date_comes_from_the_policy(client, in_board_review, board_member, policy):
    policy.rereview_interval_months = 6
    policy.save()
    client.force_login(board_member)
    _sign(client, in_board_review)
    in_board_review.refresh_from_db()
    approved = in_board_review.approved_at.date()
    due = in_board_review.next_review_due
    assert (due.year * 12 + due.month) - (approved.year * 12 + approved.month) == 6
    assert due - approved < datetime.timedelta(days=186)


def test_wrong_password_is_refused_and_records_nothing(client, in_board_review, board_member):
    client.force_login(board_member)
    response = _sign(client, in_board_review, password="not-my-password")
    assert response.status_code == 400
    assert "password is not correct" in response.content.decode()
    assert not BoardSignoff.objects.exists()
    assert not AuditEntry.objects.filter(action="sign_off").exists()


def test_signing_needs_the_meaning_statement(client, in_board_review, board_member):
    client.force_login(board_member)
    response = _sign(client, in_board_review, confirm=False)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not BoardSignoff.objects.exists()


def test_a_member_signs_a_revision_only_once(client, in_board_review, board_member, policy):
    policy.board_quorum = 2
    policy.save()
    client.force_login(board_member)
    _sign(client, in_board_review)
    response = _sign(client, in_board_review)
    assert response.status_code == 409
    assert "already signed revision 1" in response.content.decode()
    assert BoardSignoff.objects.count() == 1


def test_board_member_cannot_sign_their_own_article(client, make_article, advance, policy):
    writer = UserFactory(username="boardwriter", roles=[Role.AUTHOR, Role.BOARD])
    article = make_article(by=writer)
    article = article.fire("submit", by=writer)
    article = advance(article, "start_review", "send_to_board")
    client.force_login(writer)
    response = _sign(client, article)
    assert response.status_code == 403
    assert not BoardSignoff.objects.exists()


@pytest.mark.parametrize("role", ["author", "editor"])
def test_people_outside_the_board_cannot_sign(client, people, in_board_review, role):
    client.force_login(people[role])
    response = _sign(client, in_board_review)
    assert response.status_code == 403
    assert not BoardSignoff.objects.exists()


@pytest.mark.parametrize("role", ["other_author", "reviewer", "stranger"])
def test_people_who_cannot_see_the_article_get_not_found(client, people, in_board_review, role):
    client.force_login(people[role])
    assert _sign(client, in_board_review).status_code == 404


def test_signature_on_an_outdated_revision_is_refused(client, in_board_review, board_member):
    client.force_login(board_member)
    response = _sign(
        client, in_board_review, seen_revision=in_board_review.current_revision_id + 99
    )
    assert response.status_code == 409
    assert "newer revision" in response.content.decode()


def test_signature_is_not_possible_outside_board_review(client, draft, advance, board_member):
    article = advance(draft, "submit", "start_review")
    client.force_login(board_member)
    # Board members do not see articles before board review at all.
    assert _sign(client, article).status_code == 404


def test_a_new_revision_voids_earlier_signatures_for_the_quorum(
    in_board_review, board_member, advance, policy
):
    policy.board_quorum = 2
    policy.save()
    article = advance(in_board_review, "sign")
    article = article.fire("return_to_editor", by=board_member, comment="Dose table is wrong.")
    article = advance(article, "request_changes", "edit", "resubmit", "send_to_board")
    assert article.valid_signoff_count() == 0
    article = advance(article, "sign")
    assert article.state == ArticleState.BOARD_REVIEW  # the old signature does not count
    assert BoardSignoff.objects.count() == 2


def test_lowering_the_quorum_lets_a_member_approve_by_hand(
    client, in_board_review, advance, second_board_member, policy
):
    policy.board_quorum = 2
    policy.save()
    article = advance(in_board_review, "sign")
    policy.board_quorum = 1
    policy.save()
    client.force_login(second_board_member)
    response = client.post(
        reverse("articles:transition", args=[article.pk, "approve"]),
        {"comment": "", "seen_state": article.state},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED


def test_approve_by_hand_is_refused_below_quorum(client, in_board_review, board_member, policy):
    policy.board_quorum = 2
    policy.save()
    client.force_login(board_member)
    response = client.post(
        reverse("articles:transition", args=[in_board_review.pk, "approve"]),
        {"comment": "", "seen_state": in_board_review.state},
    )
    assert response.status_code == 409
    assert "Not enough valid Advisory Board sign-offs" in response.content.decode()
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.BOARD_REVIEW


def test_signatures_cannot_be_changed_or_deleted(in_board_review, advance):
    from django.core.exceptions import PermissionDenied

    advance(in_board_review, "sign")
    signature = BoardSignoff.objects.get()
    signature.content_hash = "0" * 64
    with pytest.raises(PermissionDenied):
        signature.save()
    with pytest.raises(PermissionDenied):
        signature.delete()
    with pytest.raises(PermissionDenied):
        BoardSignoff.objects.all().delete()
    with pytest.raises(PermissionDenied):
        BoardSignoff.objects.update(content_hash="0" * 64)
    assert BoardSignoff.objects.get().content_hash != "0" * 64


# -- what the signing page shows -----------------------------------------------


def _review_round(article, *, editor, reviewers, words: str):
    from reviews.services import invitation_accept, review_save, reviewers_invite

    for assignment in reviewers_invite(
        article=article,
        editor=editor,
        reviewers=reviewers,
        due_date=datetime.date.today() + datetime.timedelta(days=14),
    ):
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
        review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            submit=True,
            data={
                "recommendation": "minor",
                "comments_to_author": f"{words}: to the authors from {assignment.reviewer}.",
                "confidential_comments": f"{words}: CONFIDENTIAL from {assignment.reviewer}.",
                "claims_supported": True,
                "doses_checked": True,
                "audience_fit": True,
            },
        )
    article.refresh_from_db()
    return article


@pytest.fixture
def two_rounds(draft, advance, editor, reviewer, second_reviewer):
    article = advance(draft, "submit")
    article = article.fire("start_review", by=editor)
    article = _review_round(
        article, editor=editor, reviewers=[reviewer, second_reviewer], words="First round"
    )
    article = article.fire("request_changes", by=editor, comment="LETTER ONE: add the dose.")
    article = advance(article, "edit", "resubmit")
    article = _review_round(
        article, editor=editor, reviewers=[reviewer, second_reviewer], words="Second round"
    )
    return article.fire("send_to_board", by=editor, comment="LETTER TWO: ready for the board.")


def test_signing_page_shows_every_rounds_reviews_and_letters(client, two_rounds, board_member):
    client.force_login(board_member)
    text = client.get(reverse("reviews:signoff", args=[two_rounds.pk])).content.decode()
    assert "Round 1, on revision 1" in text and "Round 2, on revision 2" in text
    for words in ("First round", "Second round"):
        assert text.count(f"{words}: to the authors from") == 2
    assert "LETTER ONE: add the dose." in text
    assert "LETTER TWO: ready for the board." in text
    # Newest first: the round being signed comes before the earlier one.
    assert text.index("Round 2, on revision 2") < text.index("Round 1, on revision 1")


def test_confidential_comments_stay_with_the_editors(client, two_rounds, board_member):
    client.force_login(board_member)
    text = client.get(reverse("reviews:signoff", args=[two_rounds.pk])).content.decode()
    assert "CONFIDENTIAL" not in text
    assert "confidential comments to the editor are not shown here" in text


def test_a_board_member_who_may_handle_the_article_reads_confidential_comments(
    client, two_rounds, second_board_member
):
    # Holding the Editor role too, they could read them on the round's page anyway.
    second_board_member.groups.add(Group.objects.get(name=Role.EDITOR))
    client.force_login(second_board_member)
    text = client.get(reverse("reviews:signoff", args=[two_rounds.pk])).content.decode()
    assert "Second round: CONFIDENTIAL from" in text


def test_step_aside_comes_before_the_signature_and_the_fingerprint_is_explained(
    client, in_board_review, board_member
):
    client.force_login(board_member)
    text = client.get(reverse("reviews:signoff", args=[in_board_review.pk])).content.decode()
    step_aside = text.index(reverse("reviews:recuse", args=[in_board_review.pk]))
    signature = text.index('id="sign-heading"')
    assert step_aside < signature
    help_at = text.index('id="fingerprint-help"')
    checkbox = text.index('name="confirm_professional"')
    assert signature < help_at < checkbox  # beside the per-version boxes
    explained = text[help_at:checkbox]
    assert "glossary explanations" in explained and "references" in explained
    assert "stops counting" in explained
