"""Issue 19, items 3, 5 and 17: a withdrawn approval stops counting; only
Advisory Board members sign (superusers included); a signature keeps the
signer's name and credentials as they were when signing."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role, User
from articles.models import ArticleState, AuditEntry
from articles.rules import may_sign_off
from reviews.models import BoardSignoff, SignoffWithdrawal
from reviews.services import board_signoff_record, reviewers_invite

from ..factories import CONFIRM_ALL, PASSWORD, UserFactory


@pytest.fixture
def quorum_of_two(policy):
    policy.board_quorum = 2
    policy.save()
    return policy


@pytest.fixture
def in_board_review(draft, advance):
    return advance(draft, "submit", "start_review", "send_to_board")


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


def _return_to_editor(client, member, article, reason="I withdraw my approval."):
    client.force_login(member)
    return client.post(
        reverse("articles:transition", args=[article.pk, "return_to_editor"]),
        {"comment": reason, "seen_state": ArticleState.BOARD_REVIEW},
    )


@pytest.fixture
def returned_and_sent_back(client, in_board_review, board_member, quorum_of_two, advance, editor):
    """A signed, then returned the article; the editor sent the same
    revision back to the board unchanged."""
    assert _sign(client, board_member, in_board_review).status_code == 302
    assert _return_to_editor(client, board_member, in_board_review).status_code == 302
    in_board_review.refresh_from_db()
    article = advance(in_board_review, "send_to_board")
    assert article.state == ArticleState.BOARD_REVIEW
    assert article.current_revision_id == in_board_review.current_revision_id
    return article


# -- item 3: a withdrawn approval no longer counts ---------------------------


def test_board_member_who_returned_the_article_no_longer_counts(
    client, returned_and_sent_back, board_member, second_board_member
):
    article = returned_and_sent_back
    assert _sign(client, second_board_member, article).status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.BOARD_REVIEW  # one valid signature of two
    assert article.published_revision is None

    # The member who withdrew may sign again now that it is back.
    response = _sign(client, board_member, article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    signatures = BoardSignoff.objects.filter(revision=article.current_revision)
    assert signatures.count() == 3  # the withdrawn one stays on record
    assert signatures.filter(withdrawal__isnull=False, signer=board_member).count() == 1


def test_returning_records_the_withdrawal_with_its_reason(
    client, returned_and_sent_back, board_member
):
    withdrawal = SignoffWithdrawal.objects.get()
    assert withdrawal.signoff.signer == board_member
    assert withdrawal.reason == SignoffWithdrawal.Reason.RETURNED
    assert withdrawal.comment == "I withdraw my approval."
    entry = AuditEntry.objects.get(action="sign_off_withdrawn")
    assert entry == withdrawal.audit_entry
    assert entry.actor == board_member
    assert "I withdraw my approval." in entry.comment


def test_signing_page_workspace_and_queue_say_a_withdrawn_signature_no_longer_counts(
    client, returned_and_sent_back, board_member, second_board_member, editor
):
    article = returned_and_sent_back
    client.force_login(second_board_member)
    page = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "0 of 2 required sign-offs so far" in page
    assert "Bo Board, MD: withdrawn, no longer counts" in page
    assert "A signature stops counting when its signer returns the article" in page
    queue = client.get(reverse("reviews:board_queue")).content.decode()
    assert "0 of 2" in queue

    client.force_login(editor)
    workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "0 of 2 required sign-offs so far" in workspace
    assert "returned the article to the editor): it no longer counts" in workspace

    # Before returning, the signer is told that returning withdraws the signature.
    client.force_login(board_member)
    _sign(client, board_member, article)
    page = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "Returning it withdraws your signature" in page


def test_a_member_who_did_not_sign_returns_without_touching_other_signatures(
    client, in_board_review, board_member, second_board_member, quorum_of_two
):
    _sign(client, board_member, in_board_review)
    assert _return_to_editor(client, second_board_member, in_board_review).status_code == 302
    assert not SignoffWithdrawal.objects.exists()
    in_board_review.refresh_from_db()
    assert (
        in_board_review.current_revision.signoffs.valid_for(
            in_board_review.current_revision
        ).count()
        == 1
    )


def test_stepping_aside_after_signing_withdraws_the_signature(
    client, in_board_review, board_member, quorum_of_two
):
    _sign(client, board_member, in_board_review)
    response = client.post(
        reverse("reviews:recuse", args=[in_board_review.pk]),
        {"reason": "My spouse consults for the maker."},
        follow=True,
    )
    assert "You stepped aside from this article" in response.content.decode()
    assert in_board_review.valid_signoff_count() == 0
    withdrawal = SignoffWithdrawal.objects.get()
    assert withdrawal.reason == SignoffWithdrawal.Reason.STEPPED_ASIDE
    # Stepping aside is for good: no signing again.
    assert _sign(client, board_member, in_board_review).status_code == 403


def _stepped_aside_after_signing(client, article, member):
    _sign(client, member, article)
    client.post(reverse("reviews:recuse", args=[article.pk]), {"reason": "SECRET-CONFLICT-XYZ"})


def test_authors_see_a_withdrawn_signature_but_not_the_competing_interest_behind_it(
    client, in_board_review, board_member, author, quorum_of_two
):
    _stepped_aside_after_signing(client, in_board_review, board_member)
    client.force_login(author)
    for url in (
        reverse("articles:workspace", args=[in_board_review.pk]),
        reverse("articles:revision", args=[in_board_review.pk, 1]),
    ):
        page = client.get(url).content.decode()
        assert "Bo Board, MD signed on" in page or "Bo Board, MD:" in page
        assert "it no longer counts" in page
        assert "SECRET-CONFLICT-XYZ" not in page and "competing interest" not in page
    assert (
        not AuditEntry.objects.visible_to(author)
        .filter(comment__contains="SECRET-CONFLICT-XYZ")
        .exists()
    )


def test_other_editors_read_why_a_signature_was_withdrawn(
    client, in_board_review, board_member, editor, quorum_of_two
):
    _stepped_aside_after_signing(client, in_board_review, board_member)
    client.force_login(editor)
    workspace = client.get(reverse("articles:workspace", args=[in_board_review.pk]))
    assert "(stepped aside (competing interest)): it no longer counts" in workspace.content.decode()
    log = client.get(reverse("office:audit"), {"article": in_board_review.pk}).content.decode()
    assert "SECRET-CONFLICT-XYZ" in log and "withdrawn and no longer counts" in log


def test_editor_author_finds_no_stepped_aside_withdrawal_in_the_admin(
    client, in_board_review, board_member, author, editor, quorum_of_two
):
    author.groups.add(*editor.groups.all())
    author.is_staff = True
    author.save()
    _stepped_aside_after_signing(client, in_board_review, board_member)
    withdrawal = SignoffWithdrawal.objects.get()
    client.force_login(author)
    listing = client.get(reverse("admin:reviews_signoffwithdrawal_changelist"))
    assert listing.status_code == 200 and "Bo Board" not in listing.content.decode()
    change = reverse("admin:reviews_signoffwithdrawal_change", args=[withdrawal.pk])
    assert "SECRET-CONFLICT-XYZ" not in client.get(change).content.decode()
    client.force_login(editor)
    editor.is_staff = True
    editor.save()
    assert "SECRET-CONFLICT-XYZ" in client.get(change, follow=True).content.decode()


def test_stepping_aside_withdraws_a_signature_still_waiting_for_the_quorum(
    client, in_board_review, board_member, second_board_member, quorum_of_two
):
    from reviews.services import board_recuse

    _sign(client, board_member, in_board_review)
    _return_to_editor(client, second_board_member, in_board_review)
    in_board_review.refresh_from_db()
    assert in_board_review.valid_signoff_count() == 1  # the other member's return
    board_recuse(article=in_board_review, member=board_member, reason="New consultancy.")
    assert in_board_review.valid_signoff_count() == 0


def test_stepping_aside_cannot_unsign_an_approved_revision(client, in_board_review, board_member):
    _sign(client, board_member, in_board_review)
    response = client.post(
        reverse("reviews:recuse", args=[in_board_review.pk]), {"reason": "Late news."}, follow=True
    )
    assert "that approval is complete" in response.content.decode()
    assert not SignoffWithdrawal.objects.exists()
    assert not in_board_review.board_recusals.exists()


def test_a_second_signature_needs_a_withdrawal_first(client, in_board_review, board_member):
    _sign(client, board_member, in_board_review)
    first = BoardSignoff.objects.get()
    revision = in_board_review.current_revision
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSignoff.objects.create(
            revision=revision, signer=board_member, signer_name="x", content_hash="0" * 64
        )
    BoardSignoff.objects.create(
        revision=revision,
        signer=board_member,
        signer_name="x",
        content_hash="0" * 64,
        supersedes=first,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSignoff.objects.create(
            revision=revision,
            signer=board_member,
            signer_name="x",
            content_hash="0" * 64,
            supersedes=first,
        )


def test_withdrawals_cannot_be_changed_or_deleted(returned_and_sent_back):
    withdrawal = SignoffWithdrawal.objects.get()
    withdrawal.comment = "Never mind."
    with pytest.raises(PermissionDenied):
        withdrawal.save()
    with pytest.raises(PermissionDenied):
        withdrawal.delete()
    with pytest.raises(PermissionDenied):
        SignoffWithdrawal.objects.all().delete()
    with pytest.raises(PermissionDenied):
        SignoffWithdrawal.objects.update(comment="")
    assert SignoffWithdrawal.objects.get().comment == "I withdraw my approval."


@pytest.fixture
def approved_after_a_withdrawal(client, returned_and_sent_back, board_member, second_board_member):
    """Published revision carrying three signatures: A's withdrawn one, B's and A's new one."""
    _sign(client, second_board_member, returned_and_sent_back)
    _sign(client, board_member, returned_and_sent_back)
    returned_and_sent_back.refresh_from_db()
    assert returned_and_sent_back.state == ArticleState.APPROVED
    return returned_and_sent_back


def test_every_place_that_lists_valid_signatures_leaves_the_withdrawn_one_out(
    client, approved_after_a_withdrawal, board_member, editor
):
    article = approved_after_a_withdrawal
    revision = article.published_revision
    assert article.valid_signoff_count() == 2

    public = client.get(reverse("reader:public", args=[article.slug])).content.decode()
    approval = public.split('aria-label="Approval"')[1].split("</section>")[0]
    assert approval.count("Bo Board, MD") == 1
    data = json.loads(public.split('application/ld+json">')[1].split("</script>")[0])
    assert sorted(person["name"] for person in data["reviewedBy"]) == ["Bea Board", "Bo Board"]

    board = client.get(reverse("reader:board")).content.decode()
    own = board.split(f'id="member-{board_member.pk}"')[1].split("</section>")[0]
    assert own.count(revision.title) == 1

    client.force_login(editor)
    verification = client.get(reverse("office:verification")).content.decode()
    assert verification.count("Withdrawn by the signer: does not count") == 1
    assert verification.count(">Valid<") == 2


def test_the_queryset_and_the_python_check_agree_on_which_signatures_count(
    approved_after_a_withdrawal,
):
    revision = approved_after_a_withdrawal.published_revision
    stale = UserFactory(username="stale", roles=[Role.BOARD])
    BoardSignoff.objects.create(
        revision=revision, signer=stale, signer_name="Stale", content_hash="0" * 64
    )
    for content_hash in (revision.content_hash, "0" * 64):
        from_orm = list(
            BoardSignoff.objects.valid_for(revision, content_hash)
            .order_by("signed_at", "pk")
            .values_list("pk", flat=True)
        )
        in_python = [
            s.pk
            for s in revision.signoffs.select_related("withdrawal").order_by("signed_at", "pk")
            if s.counts_for(content_hash)
        ]
        assert from_orm == in_python
        assert from_orm  # each rule has something to agree on
    assert BoardSignoff.objects.valid_for(revision).count() == 2


# -- item 5: only Advisory Board members sign, superusers included ----------


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def test_superuser_without_the_board_role_cannot_sign_or_act_as_board(
    client, in_board_review, root
):
    client.force_login(root)
    page = client.get(reverse("reviews:signoff", args=[in_board_review.pk]))
    assert page.status_code == 403
    assert "administrator rights do not make someone a board member" in page.content.decode()
    assert _sign(client, root, in_board_review).status_code == 403
    assert not BoardSignoff.objects.exists()
    with pytest.raises(PermissionDenied):
        board_signoff_record(article=in_board_review, member=root, password=PASSWORD)
    assert not BoardSignoff.objects.exists()

    for action in ("return_to_editor", "approve"):
        response = client.post(
            reverse("articles:transition", args=[in_board_review.pk, action]),
            {"comment": "As admin.", "seen_state": ArticleState.BOARD_REVIEW},
        )
        assert response.status_code == 403
        assert "Only Advisory Board members" in response.content.decode()
    assert client.get(reverse("reviews:board_queue")).status_code == 403
    response = client.post(reverse("reviews:recuse", args=[in_board_review.pk]), {"reason": "x"})
    assert response.status_code == 403
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.BOARD_REVIEW
    assert not may_sign_off(root, in_board_review)


def test_superuser_who_holds_the_board_role_signs_like_any_member(client, in_board_review, root):
    root.groups.add(*root.groups.model.objects.filter(name=Role.BOARD))
    root = User.objects.get(pk=root.pk)
    assert _sign(client, root, in_board_review).status_code == 302
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.APPROVED


def test_superuser_without_the_reviewer_role_cannot_be_invited_or_list_reviews(
    client, draft, advance, editor, root
):
    from django.core.exceptions import ValidationError

    article = advance(draft, "submit")
    with pytest.raises(ValidationError, match="does not have the Reviewer role"):
        reviewers_invite(
            article=article, editor=editor, reviewers=[root], due_date=article.created_at.date()
        )
    client.force_login(root)
    assert client.get(reverse("reviews:mine")).status_code == 403


# -- item 17: the signature keeps the name it was given under ---------------


def test_renaming_a_signer_later_does_not_change_who_signed(
    client, in_board_review, board_member, editor
):
    _sign(client, board_member, in_board_review)
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.APPROVED
    signoff = BoardSignoff.objects.get()
    assert (signoff.signer_name, signoff.signer_credentials) == ("Bo Board", "MD")
    User.objects.filter(pk=board_member.pk).update(
        display_name="Someone Else", credentials="PhD (hon.)"
    )

    public = client.get(reverse("reader:public", args=[in_board_review.slug])).content.decode()
    approval = public.split('aria-label="Approval"')[1].split("</section>")[0]
    assert "Bo Board, MD" in approval and "Someone Else" not in approval
    data = json.loads(public.split('application/ld+json">')[1].split("</script>")[0])
    assert data["reviewedBy"][0]["name"] == "Bo Board"
    assert data["reviewedBy"][0]["honorificSuffix"] == "MD"

    board = client.get(reverse("reader:board")).content.decode()
    assert "(signed as Bo Board, MD)" in board

    client.force_login(editor)
    for url in (
        reverse("office:verification"),
        reverse("articles:workspace", args=[in_board_review.pk]),
        reverse("articles:revision", args=[in_board_review.pk, 1]),
    ):
        text = client.get(url).content.decode()
        assert "Bo Board, MD" in text, url
        assert "Someone Else, PhD" not in text, url
