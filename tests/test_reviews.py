"""Peer review through the HTTP stack: inviting, answering, conflicts,
reviewing, deciding, and what each person may see."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from articles.models import ArticleState, AuditEntry
from reviews.models import Review, ReviewAssignment, ReviewRound
from reviews.progress import needed_sentence

from .factories import UserFactory, editor_payload, reference

CONFIDENTIAL = "Between us: the second author has a consulting deal."


@pytest.fixture
def second_reviewer(db):
    return UserFactory(
        username="reviewer2", display_name="Rita Second", specialty="Nephrology",
        roles=[Role.REVIEWER],
    )  # fmt: skip


@pytest.fixture
def submitted(draft, advance):
    return advance(draft, "submit")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit hooks (emails) that a real request would run."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def _due(days=14):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _invite(client, article, *people, due=None, commit=None):
    data = {"reviewers": [p.pk for p in people], "due_date": due or _due(), "message": "Thanks!"}
    post = client.post
    url = reverse("reviews:invite", args=[article.pk])
    return commit(post, url, data) if commit else post(url, data)


@pytest.fixture
def invited(client, editor, submitted, reviewer, second_reviewer, commit):
    client.force_login(editor)
    _invite(client, submitted, reviewer, second_reviewer, commit=commit)
    submitted.refresh_from_db()
    return submitted


def _assignment(article, person):
    return ReviewAssignment.objects.get(round__article=article, reviewer=person)


def _respond(client, article, person, commit, **data):
    client.force_login(person)
    url = reverse("reviews:respond", args=[_assignment(article, person).pk])
    return commit(client.post, url, data)


def _accept(client, article, person, commit):
    return _respond(client, article, person, commit, action="accept", conflict="none")


def _review(client, article, person, commit, action="submit", **fields):
    client.force_login(person)
    data = {
        "recommendation": "minor",
        "comments_to_author": "Comments for the authors: tighten the dosing section.",
        "confidential_comments": CONFIDENTIAL,
        "claims_supported": "on",
        "action": action,
        **fields,
    }
    url = reverse("reviews:assignment", args=[_assignment(article, person).pk])
    return commit(client.post, url, data)


@pytest.fixture
def reviewed(client, invited, reviewer, second_reviewer, commit):
    for person in (reviewer, second_reviewer):
        _accept(client, invited, person, commit)
        _review(client, invited, person, commit)
    return invited


# -- inviting ---------------------------------------------------------------


def test_first_invitation_starts_the_review_and_emails_each_reviewer(
    client, editor, submitted, reviewer, second_reviewer, commit, mailoutbox
):
    client.force_login(editor)
    response = _invite(client, submitted, reviewer, second_reviewer, commit=commit)

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == ArticleState.UNDER_REVIEW
    review_round = ReviewRound.objects.get(article=submitted)
    assert review_round.number == 1 and review_round.revision == submitted.current_revision
    assert review_round.assignments.count() == 2
    actions = list(AuditEntry.objects.filter(article=submitted).values_list("action", flat=True))
    assert actions[-2:] == ["start_review", "reviewers_invited"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([reviewer.email, second_reviewer.email])
    mail = mailoutbox[0]
    assert "Invitation to review" in mail.subject
    link = reverse("reviews:assignment", args=[_assignment(submitted, reviewer).pk])
    assert any(link in m.body for m in mailoutbox)
    assert "Thanks!" in mail.body
    assert mail.alternatives and "<a href=" in mail.alternatives[0][0]


def test_candidate_list_shows_workload_and_never_the_authors(
    client, editor, submitted, reviewer, author
):
    author.groups.add(*reviewer.groups.all())  # an author who is also a reviewer
    reviewer.specialty = "Neurology"
    reviewer.save()
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[submitted.pk])).content.decode()
    candidates = text.split("Reviewers to invite")[1]
    assert "Neurology" in candidates
    assert f'value="{reviewer.pk}"' in candidates
    assert f'value="{author.pk}"' not in candidates


def test_inviting_an_author_is_refused(client, editor, submitted, author, reviewer):
    author.groups.add(*reviewer.groups.all())
    client.force_login(editor)
    response = _invite(client, submitted, author)
    assert response.status_code == 400
    assert "is an author of this article and cannot review it" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == ArticleState.SUBMITTED
    assert not ReviewAssignment.objects.exists()


def test_due_date_in_the_past_is_refused(client, editor, submitted, reviewer):
    client.force_login(editor)
    response = _invite(client, submitted, reviewer, due=_due(-1))
    assert response.status_code == 400
    assert "The due date is in the past" in response.content.decode()
    assert not ReviewAssignment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("author", 403), ("reviewer", 404), ("stranger", 404)]
)
def test_only_editors_invite(client, people, submitted, reviewer, role, status):
    client.force_login(people[role])
    assert _invite(client, submitted, reviewer).status_code == status
    assert not ReviewAssignment.objects.exists()


def test_no_warning_the_moment_invitations_go_out(client, editor, invited):
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "None of the 2 reviewers needed has accepted yet." in text
    assert "2 invitations are waiting for an answer." in text
    assert "alert-warning" not in text
    assert "only 0" not in text


def test_counts_read_right_for_one_and_two(
    client, editor, invited, reviewer, second_reviewer, commit
):
    _accept(client, invited, reviewer, commit)
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "1 of the 2 reviewers needed has accepted." in text
    assert "1 invitation is waiting for an answer." in text
    assert "alert-warning" not in text

    _accept(client, invited, second_reviewer, commit)
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "Both reviewers needed have accepted." in text
    assert "waiting for an answer" not in text


def test_editor_is_warned_when_declines_leave_too_few_reviewers(
    client, editor, invited, reviewer, second_reviewer, commit
):
    _accept(client, invited, reviewer, commit)
    _respond(client, invited, second_reviewer, commit, action="decline", reason="Away.")
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert (
        "The policy needs 2 reviews per round, but only 1 of the people invited has accepted "
        "or may still accept. Invite another reviewer."
    ) in text


def test_editor_is_warned_when_a_due_date_passes(client, editor, invited):
    ReviewAssignment.objects.filter(round__article=invited).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "2 reviewers are past the due date without a review" in text


@pytest.mark.parametrize(
    ("count", "needed", "sentence"),
    [
        (0, 2, "None of the 2 reviewers needed has accepted yet."),
        (1, 2, "1 of the 2 reviewers needed has accepted."),
        (2, 3, "2 of the 3 reviewers needed have accepted."),
        (2, 2, "Both reviewers needed have accepted."),
        (0, 1, "The one reviewer needed has not accepted yet."),
        (1, 1, "The one reviewer needed has accepted."),
    ],
)
def test_count_sentences_agree_in_number(count, needed, sentence):
    assert (
        needed_sentence(count, needed, noun="reviewer", plural="reviewers", done="accepted")
        == sentence
    )


# -- the reviewer's side ----------------------------------------------------


def test_my_reviews_lists_invitations(client, invited, reviewer):
    client.force_login(reviewer)
    text = client.get(reverse("reviews:mine")).content.decode()
    invitations = text.split("Invitations waiting for your answer")[1].split("</section>")[0]
    assert invited.title in invitations


def test_accepting_tells_the_editor(client, invited, reviewer, editor, commit, mailoutbox):
    mailoutbox.clear()
    response = _accept(client, invited, reviewer, commit)
    assert response.status_code == 302
    assignment = _assignment(invited, reviewer)
    assert assignment.status == "accepted" and assignment.has_conflict is False
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert "accepted" in mailoutbox[0].subject


def test_declining_needs_a_reason_and_the_editor_sees_it(
    client, invited, reviewer, editor, commit, mailoutbox
):
    mailoutbox.clear()
    response = _respond(client, invited, reviewer, commit, action="decline", reason="  ")
    assert response.status_code == 400
    assert "Please give the editor a short reason." in response.content.decode()

    response = _respond(
        client, invited, reviewer, commit,
        action="decline", reason="On leave until March.", suggestion="Dr Ana Ruiz",
    )  # fmt: skip
    assert response.status_code == 302
    assert _assignment(invited, reviewer).status == "declined"
    assert "On leave until March." in mailoutbox[0].body
    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "On leave until March." in text and "Dr Ana Ruiz" in text


def test_a_reviewer_cannot_review_after_declining(client, invited, reviewer, commit):
    _respond(client, invited, reviewer, commit, action="decline", reason="Too busy.")
    response = _review(client, invited, reviewer, commit)
    assert response.status_code == 403
    assert not Review.objects.filter(assignment__reviewer=reviewer).exists()


def test_uninvited_reviewer_cannot_see_the_review_page(client, invited, reviewer, db):
    outsider = UserFactory(roles=[Role.REVIEWER])
    client.force_login(outsider)
    url = reverse("reviews:assignment", args=[_assignment(invited, reviewer).pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit"}).status_code == 404


def test_reviewer_reads_the_revision_as_readers_will(client, invited, reviewer, commit):
    _accept(client, invited, reviewer, commit)
    url = reverse("reviews:assignment", args=[_assignment(invited, reviewer).pk])
    text = client.get(url).content.decode()
    assert 'href="#ref-1"' in text and 'id="ref-1"' in text
    assert "Your review" in text


def test_declared_conflict_waits_for_the_editor_who_keeps_or_replaces(
    client, invited, reviewer, second_reviewer, editor, commit
):
    _respond(
        client, invited, reviewer, commit,
        action="accept", conflict="declare", conflict_details="I co-wrote a paper with the author.",
    )  # fmt: skip
    response = _review(client, invited, reviewer, commit)
    assert response.status_code == 403  # not until the editor decides

    client.force_login(editor)
    text = client.get(reverse("reviews:invite", args=[invited.pk])).content.decode()
    assert "I co-wrote a paper with the author." in text
    response = client.post(
        reverse("reviews:conflict", args=[_assignment(invited, reviewer).pk]), {"choice": "keep"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="conflict_kept").count() == 1
    assert _review(client, invited, reviewer, commit).status_code == 302

    _respond(
        client, invited, second_reviewer, commit,
        action="accept", conflict="declare", conflict_details="Paid speaker for the maker.",
    )  # fmt: skip
    client.force_login(editor)
    client.post(
        reverse("reviews:conflict", args=[_assignment(invited, second_reviewer).pk]),
        {"choice": "replace"},
    )
    assert _assignment(invited, second_reviewer).status == "replaced"
    assert AuditEntry.objects.filter(action="reviewer_replaced").count() == 1


def test_declaring_a_conflict_needs_a_description(client, invited, reviewer, commit):
    response = _respond(client, invited, reviewer, commit, action="accept", conflict="declare")
    assert response.status_code == 400
    assert "Please describe the competing interest." in response.content.decode()
    assert _assignment(invited, reviewer).status == "invited"


def test_only_editors_decide_on_conflicts(client, invited, reviewer, commit, author):
    _respond(
        client, invited, reviewer, commit,
        action="accept", conflict="declare", conflict_details="Friend of the author.",
    )  # fmt: skip
    client.force_login(author)
    url = reverse("reviews:conflict", args=[_assignment(invited, reviewer).pk])
    assert client.post(url, {"choice": "keep"}).status_code == 403
    assert _assignment(invited, reviewer).conflict_choice == ""


# -- the review form --------------------------------------------------------


def test_draft_review_is_saved_then_submitted_and_frozen(
    client, invited, reviewer, editor, commit, mailoutbox
):
    _accept(client, invited, reviewer, commit)
    mailoutbox.clear()
    response = _review(client, invited, reviewer, commit, action="save", recommendation="")
    assert response.status_code == 302
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert review.status == "draft" and review.revision == invited.current_revision

    response = _review(client, invited, reviewer, commit, recommendation="", comments_to_author="")
    assert response.status_code == 400
    assert "To submit, add a recommendation and comments to the authors." in (
        response.content.decode()
    )
    assert CONFIDENTIAL in response.content.decode()  # what was typed is still there

    assert _review(client, invited, reviewer, commit).status_code == 302
    review.refresh_from_db()
    assert review.status == "submitted" and review.submitted_at
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert "Review submitted" in mailoutbox[0].subject

    response = _review(client, invited, reviewer, commit, comments_to_author="Changed my mind.")
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.comments_to_author != "Changed my mind."


def test_round_closes_when_the_required_reviews_are_in(client, reviewed):
    review_round = ReviewRound.objects.get(article=reviewed)
    assert review_round.closed_at is not None
    assert review_round.decision == ""


def test_round_page_says_a_closed_round_waits_for_the_decision_then_names_it(
    client, reviewed, editor, commit
):
    client.force_login(editor)
    url = reverse("reviews:round", args=[reviewed.pk, 1])
    assert "the round waits for the editor's decision" in client.get(url).content.decode()

    commit(
        client.post,
        reverse("articles:transition", args=[reviewed.pk, "request_changes"]),
        {"comment": "Please address both reviews.", "seen_state": "under_review"},
    )
    text = client.get(url).content.decode()
    assert ": Changes requested." in text
    assert "waits for the editor's decision" not in text


def test_editor_can_close_a_round_early(client, invited, reviewer, editor, commit):
    _accept(client, invited, reviewer, commit)
    client.force_login(editor)
    response = client.post(reverse("reviews:round_close", args=[invited.pk, 1]))
    assert response.status_code == 302
    assert ReviewRound.objects.get(article=invited).closed_at is not None
    assert _assignment(invited, reviewer).status == "cancelled"
    assert AuditEntry.objects.filter(action="round_closed").exists()


# -- decisions and what the authors see --------------------------------------


def test_editor_sees_reviews_side_by_side_with_confidential_comments(client, reviewed, editor):
    client.force_login(editor)
    text = client.get(reverse("reviews:round", args=[reviewed.pk, 1])).content.decode()
    assert text.count("Minor changes") >= 2
    assert CONFIDENTIAL in text
    assert "Request changes" in text and "Send to Advisory Board" in text


def test_request_changes_emails_the_authors_without_confidential_comments(
    client, reviewed, editor, author, reviewer, commit, mailoutbox
):
    mailoutbox.clear()
    client.force_login(editor)
    response = commit(
        client.post,
        reverse("articles:transition", args=[reviewed.pk, "request_changes"]),
        {"comment": "Please address both reviews.", "seen_state": "under_review"},
    )
    assert response.status_code == 302
    review_round = ReviewRound.objects.get(article=reviewed)
    assert review_round.decision == "request_changes"
    assert review_round.decision_letter == "Please address both reviews."
    # The authors' letter; the round's reviewers are thanked separately.
    (mail,) = [m for m in mailoutbox if m.to == [author.email]]
    assert "Please address both reviews." in mail.body
    assert "Reviewer 1" in mail.body and "for the authors" in mail.body
    assert CONFIDENTIAL not in mail.body and CONFIDENTIAL not in mail.alternatives[0][0]

    client.force_login(author)
    for url in (
        reverse("articles:workspace", args=[reviewed.pk]),
        reverse("articles:edit", args=[reviewed.pk]),
        reverse("articles:revision", args=[reviewed.pk, 1]),
        reverse("articles:desk"),
    ):
        text = client.get(url).content.decode()
        assert CONFIDENTIAL not in text, url
    edit_page = client.get(reverse("articles:edit", args=[reviewed.pk])).content.decode()
    assert "Reviewer 2" in edit_page and "for the authors" in edit_page
    # Authors learn what reviewers said, not who they are.
    assert reviewer.display_name not in edit_page
    assert "Rita Second" not in edit_page


# -- one decision form per round ---------------------------------------------


def _decide(client, article, commit, **data):
    data.setdefault("seen_state", "under_review")
    url = reverse("reviews:round_decide", args=[article.pk, 1])
    return commit(client.post, url, data)


def test_round_page_has_one_decision_form_with_one_letter_box(client, reviewed, editor):
    client.force_login(editor)
    text = client.get(reverse("reviews:round", args=[reviewed.pk, 1])).content.decode()
    decide = text.split('id="decide-heading"')[1]
    assert decide.count('name="letter"') == 1
    assert decide.count('type="radio" name="decision"') == 3
    assert decide.count("Record the decision") == 1
    # Each choice says what happens next.
    assert "their revised draft opens a new round" in decide
    assert "the Advisory Board is asked to sign this revision" in decide
    assert "cannot resubmit it" in decide


def test_refused_decision_keeps_the_letter_and_changes_nothing(client, reviewed, editor, commit):
    client.force_login(editor)
    letter = "Dear authors, both reviewers ask for the dose."
    before = AuditEntry.objects.count()

    response = _decide(client, reviewed, commit, letter=letter)  # no decision chosen

    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose a decision." in text
    assert letter in text
    reviewed.refresh_from_db()
    assert reviewed.state == ArticleState.UNDER_REVIEW
    assert AuditEntry.objects.count() == before

    response = _decide(client, reviewed, commit, decision="reject", letter="")
    assert response.status_code == 400
    assert "“Reject” needs one" in response.content.decode()
    assert re.search(r'value="reject" aria-describedby="[^"]+" checked', response.content.decode())


@pytest.mark.parametrize(
    ("decision", "state"),
    [
        ("request_changes", ArticleState.CHANGES_REQUESTED),
        ("send_to_board", ArticleState.BOARD_REVIEW),
        ("reject", ArticleState.REJECTED),
    ],
)
def test_the_chosen_decision_and_only_it_is_applied_with_one_audit_entry(
    client, reviewed, editor, commit, decision, state
):
    client.force_login(editor)
    before = AuditEntry.objects.count()

    response = _decide(client, reviewed, commit, decision=decision, letter="Our decision.")

    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.state == state
    new = AuditEntry.objects.filter(pk__gt=0).order_by("pk")[before:]
    assert [(e.action, e.actor, e.comment) for e in new] == [(decision, editor, "Our decision.")]
    review_round = ReviewRound.objects.get(article=reviewed, number=1)
    assert (review_round.decision, review_round.decision_letter) == (decision, "Our decision.")


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_only_the_handling_editor_may_decide(client, people, reviewed, commit, role):
    client.force_login(people[role])
    response = _decide(client, reviewed, commit, decision="send_to_board", letter="Yes.")
    assert response.status_code in {403, 404}
    reviewed.refresh_from_db()
    assert reviewed.state == ArticleState.UNDER_REVIEW


def test_no_decision_before_the_reviews_are_in(client, invited, editor, commit):
    client.force_login(editor)
    page = client.get(reverse("reviews:round", args=[invited.pk, 1])).content.decode()
    assert 'name="decision"' not in page

    response = _decide(client, invited, commit, decision="send_to_board", letter="Yes.")

    assert response.status_code == 302
    shown = client.get(response.url).content.decode()
    assert "review" in shown.split('id="decide-heading"')[1].lower()
    invited.refresh_from_db()
    assert invited.state == ArticleState.UNDER_REVIEW


def test_authors_cannot_open_the_round_page(client, reviewed, author):
    client.force_login(author)
    assert client.get(reverse("reviews:round", args=[reviewed.pk, 1])).status_code == 403


def test_resubmission_opens_round_two_and_reinvites_in_one_click(
    client, reviewed, editor, author, reviewer, second_reviewer, commit, mailoutbox
):
    client.force_login(editor)
    client.post(
        reverse("articles:transition", args=[reviewed.pk, "request_changes"]),
        {"comment": "Please revise.", "seen_state": "under_review"},
    )
    reviewed.refresh_from_db()
    client.force_login(author)
    client.post(
        reverse("articles:edit", args=[reviewed.pk]),
        editor_payload(
            title=reviewed.title,
            body="## Why\n\nA clearer mechanism [1].",
            references=[reference(1)],
            seen_hash=reviewed.current_revision.content_hash,
            response_letter="We clarified the mechanism.",
        ),
    )
    mailoutbox.clear()
    response = commit(
        client.post,
        reverse("articles:transition", args=[reviewed.pk, "resubmit"]),
        {"seen_state": "changes_requested"},
    )
    assert response.status_code == 302
    rounds = list(ReviewRound.objects.filter(article=reviewed).order_by("number"))
    assert [r.number for r in rounds] == [1, 2]
    assert rounds[1].revision.number == 2 and rounds[1].is_open
    # Last round's reviewers, and the article's editor (told of every resubmission).
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [reviewer.email, second_reviewer.email, editor.email]
    )

    client.force_login(editor)
    response = commit(client.post, reverse("reviews:reinvite", args=[reviewed.pk]))
    assert response.status_code == 302
    assert rounds[1].assignments.count() == 2

    round_two = ReviewAssignment.objects.get(round=rounds[1], reviewer=reviewer)
    client.force_login(reviewer)
    client.post(
        reverse("reviews:respond", args=[round_two.pk]), {"action": "accept", "conflict": "none"}
    )
    text = client.get(reverse("reviews:assignment", args=[round_two.pk])).content.decode()
    assert "What changed since revision 1" in text
    assert "We clarified the mechanism." in text
    assert "<ins>" in text


def test_no_email_when_the_action_rolls_back(
    editor, submitted, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    from django.db import transaction

    from reviews.services import reviewers_invite

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reviewers_invite(
            article=submitted,
            editor=editor,
            reviewers=[reviewer],
            due_date=timezone.localdate() + datetime.timedelta(days=7),
        )
        raise RuntimeError("something failed after the invitation")
    assert callbacks == []
    assert mailoutbox == []
    assert not ReviewAssignment.objects.exists()
    submitted.refresh_from_db()
    assert submitted.state == ArticleState.SUBMITTED


def test_my_reviews_flags_overdue_work(client, invited, reviewer, commit):
    _accept(client, invited, reviewer, commit)
    ReviewAssignment.objects.filter(reviewer=reviewer).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    text = client.get(reverse("reviews:mine")).content.decode()
    assert "1 review overdue" in text
    in_progress = text.split("Reviews in progress")[1].split("</section>")[0]
    assert "Overdue" in in_progress


@pytest.mark.parametrize("role", ["author", "editor", "board_member", "stranger"])
def test_my_reviews_is_for_reviewers(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("reviews:mine")).status_code == 403
