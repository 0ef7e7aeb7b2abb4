"""The Advisory Board's side: the queue, what a member reads before signing,
stepping aside, verification, the public board page and re-review expiry."""

import datetime

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from articles.models import ArticleState, AuditEntry, Revision
from articles.tasks import open_due_reviews
from reviews.models import BoardSignoff, SignoffWithdrawal
from reviews.services import invitation_accept, review_save, reviewers_invite

from .factories import CONFIRM_ALL, PASSWORD, UserFactory


@pytest.fixture
def reviewed_and_sent(draft, advance, editor, reviewer, policy):
    policy.reviewers_per_round = 1  # one careful review is what this board reads
    policy.save()
    article = advance(draft, "submit")
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
        data={"recommendation": "approve", "comments_to_author": "Sound.", "doses_checked": True},
    )
    article.refresh_from_db()
    return article.fire("send_to_board", by=editor, comment="Ready: one careful review.")


def test_board_queue_lists_articles_awaiting_signature(client, reviewed_and_sent, board_member):
    client.force_login(board_member)
    text = client.get(reverse("reviews:board_queue")).content.decode()
    assert reviewed_and_sent.title in text
    assert "0 of 1" in text
    assert "Read and sign" in text


@pytest.mark.parametrize("role", ["author", "editor", "reviewer", "stranger"])
def test_board_queue_is_for_board_members(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("reviews:board_queue")).status_code == 403


def test_signoff_page_shows_the_text_reviews_and_editor_letter(
    client, reviewed_and_sent, board_member
):
    client.force_login(board_member)
    text = client.get(reverse("reviews:signoff", args=[reviewed_and_sent.pk])).content.decode()
    assert "Approve as it is" in text
    assert "Ready: one careful review." in text
    assert 'id="ref-1"' in text  # rendered as readers will see it
    assert "reading grade" in text or "too short to grade" in text
    assert "Version for healthcare professional readers" in text
    assert "Sign electronically" in text


def test_signoff_page_shows_changes_from_the_published_revision(
    client, reviewed_and_sent, board_member, advance, policy
):
    article = advance(reviewed_and_sent, "sign")
    assert article.state == ArticleState.APPROVED
    article = advance(article, "edit", "submit", "start_review", "send_to_board")
    client.force_login(board_member)
    text = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "Changes from the published revision 1" in text
    assert "<ins>" in text


def test_wrong_password_counts_as_a_failed_sign_in(client, reviewed_and_sent, board_member):
    failures = []

    def record(sender, credentials, request, **kwargs):
        failures.append((credentials["username"], request is not None))

    user_login_failed.connect(record)
    try:
        client.force_login(board_member)
        response = client.post(
            reverse("reviews:signoff", args=[reviewed_and_sent.pk]),
            {
                "password": "wrong",
                **CONFIRM_ALL,
            },
        )
    finally:
        user_login_failed.disconnect(record)
    assert response.status_code == 400
    assert failures == [("board", True)]
    assert not BoardSignoff.objects.exists()


def test_member_who_steps_aside_cannot_sign_return_or_approve(
    client, reviewed_and_sent, board_member
):
    client.force_login(board_member)
    response = client.post(
        reverse("reviews:recuse", args=[reviewed_and_sent.pk]),
        {"reason": "I advise the drug's maker."},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="board_recused", actor=board_member).exists()
    page = client.get(reverse("reviews:signoff", args=[reviewed_and_sent.pk])).content.decode()
    assert "You stepped aside" in page and "Sign electronically" not in page
    response = client.post(
        reverse("reviews:signoff", args=[reviewed_and_sent.pk]),
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("articles:transition", args=[reviewed_and_sent.pk, "return_to_editor"]),
        {"comment": "x", "seen_state": "board_review"},
    )
    assert response.status_code == 403
    assert not BoardSignoff.objects.exists()


def test_stepping_aside_needs_a_reason(client, reviewed_and_sent, board_member):
    client.force_login(board_member)
    response = client.post(
        reverse("reviews:recuse", args=[reviewed_and_sent.pk]), {"reason": ""}, follow=True
    )
    assert "Please describe the competing interest" in response.content.decode()
    assert not reviewed_and_sent.board_recusals.exists()


def test_a_member_who_signed_and_steps_aside_withdraws_the_signature(
    client, reviewed_and_sent, board_member, policy
):
    # Issue 19 item 3 changed this: stepping aside after signing used to be
    # refused; now it is allowed and the signature stops counting.
    policy.board_quorum = 2
    policy.save()
    client.force_login(board_member)
    client.post(
        reverse("reviews:signoff", args=[reviewed_and_sent.pk]),
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
        },
    )
    assert reviewed_and_sent.valid_signoff_count() == 1
    response = client.post(
        reverse("reviews:recuse", args=[reviewed_and_sent.pk]), {"reason": "Oops"}, follow=True
    )
    assert "You stepped aside from this article" in response.content.decode()
    assert reviewed_and_sent.board_recusals.filter(member=board_member).exists()
    assert reviewed_and_sent.valid_signoff_count() == 0
    assert BoardSignoff.objects.count() == 1  # kept on record
    # Recorded in the (private) step-aside entry itself, not in a second,
    # visible one that would carry the competing interest to the authors.
    entry = AuditEntry.objects.get(action="board_recused", actor=board_member)
    assert "withdrawn and no longer counts" in entry.comment
    assert SignoffWithdrawal.objects.get(signoff__signer=board_member).audit_entry == entry
    assert not AuditEntry.objects.filter(action="sign_off_withdrawn").exists()


@pytest.mark.parametrize("view", ["reviews:signoff", "reviews:recuse"])
def test_authors_never_see_the_board_page_of_their_article(client, reviewed_and_sent, author, view):
    client.force_login(author)
    response = client.post(reverse(view, args=[reviewed_and_sent.pk]), {"reason": ""})
    assert response.status_code == 403
    assert "Rahul" not in response.content.decode()


def test_a_reviewer_who_declared_a_conflict_cannot_sign_as_board_member(
    client, draft, advance, editor
):
    dual = UserFactory(username="dual", roles=[Role.REVIEWER, Role.BOARD])
    article = advance(draft, "submit")
    (assignment,) = reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[dual],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    invitation_accept(
        assignment=assignment, reviewer=dual, has_conflict=True, conflict_details="Co-author."
    )
    article = advance(article, "reviews")
    article = article.fire("send_to_board", by=editor)
    client.force_login(dual)
    response = client.post(
        reverse("reviews:signoff", args=[article.pk]),
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
        },
    )
    assert response.status_code == 403
    assert not BoardSignoff.objects.exists()


def test_verification_detects_content_changed_after_signing(
    client, reviewed_and_sent, advance, editor
):
    article = advance(reviewed_and_sent, "sign")
    client.force_login(editor)
    text = client.get(reverse("office:verification")).content.decode()
    assert "<strong" not in text.split('aria-labelledby="verify-')[1]
    assert ">Valid<" in text

    # Someone edits the stored text behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Revision._meta.db_table} SET body = %s WHERE id = %s",
            ["Tampered dose: 10 times higher.", article.published_revision_id],
        )
    text = client.get(reverse("office:verification")).content.decode()
    result = text.split('aria-labelledby="verify-')[1]
    assert "Content changed after signing</strong>" in result
    assert ">Valid<" not in result


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_verification_is_for_editors(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("office:verification")).status_code == 403


def test_public_board_page_lists_members_and_what_they_signed(
    client, reviewed_and_sent, advance, board_member, django_assert_max_num_queries
):
    board_member.credentials = "MD, PhD"
    board_member.specialty = "Neurology"
    board_member.disclosure = "Speaker fees from no one."
    board_member.save()
    advance(reviewed_and_sent, "sign")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("reader:board"))  # anonymous
    text = response.content.decode()
    assert response.status_code == 200
    assert "Bo Board, MD, PhD" in text
    assert "Neurology" in text and "Speaker fees from no one." in text
    assert reviewed_and_sent.title in text.split("Articles signed")[1]


def test_open_due_reviews_flags_once_and_fills_the_queue(
    client, reviewed_and_sent, advance, editor
):
    article = advance(reviewed_and_sent, "sign")
    article.next_review_due = timezone.localdate() - datetime.timedelta(days=1)
    article.save()

    # The periodic task (articles/tasks.py), run twice: the second finds nothing new.
    assert open_due_reviews.enqueue().return_value == 1
    assert open_due_reviews.enqueue().return_value == 0

    article.refresh_from_db()
    assert article.rereview_due_since == timezone.localdate()
    assert article.state == ArticleState.APPROVED  # still published
    assert AuditEntry.objects.filter(article=article, action="rereview_due").count() == 1
    client.force_login(editor)
    assert "Periodic re-review due since" in client.get(reverse("office:queue")).content.decode()


def test_not_yet_due_articles_are_left_alone(reviewed_and_sent, advance):
    article = advance(reviewed_and_sent, "sign")
    open_due_reviews.enqueue()
    article.refresh_from_db()
    assert article.rereview_due_since is None


def test_reapproval_clears_the_overdue_flag(reviewed_and_sent, advance):
    article = advance(reviewed_and_sent, "sign")
    article.rereview_due_since = timezone.localdate()
    article.save()
    article = advance(article, "edit", "submit", "start_review", "send_to_board", "sign")
    assert article.rereview_due_since is None
    assert not article.is_review_overdue


def test_rereview_comes_due_even_while_an_update_is_in_review(reviewed_and_sent, advance):
    article = advance(reviewed_and_sent, "sign", "edit", "submit")
    article.next_review_due = timezone.localdate() - datetime.timedelta(days=1)
    article.save()
    open_due_reviews.enqueue()
    article.refresh_from_db()
    assert article.rereview_due_since == timezone.localdate()


def test_board_queue_query_count_is_bounded(
    client, board_member, make_article, advance, django_assert_max_num_queries
):
    client.force_login(board_member)
    for n in range(6):
        advance(make_article(title=f"Queued {n}?"), "submit", "start_review", "send_to_board")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("reviews:board_queue")).status_code == 200
