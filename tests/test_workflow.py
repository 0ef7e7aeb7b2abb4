"""The article state machine through the HTTP stack: who may do what, when."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleState, AuditEntry

from .factories import DECISIONS_AFTER_REVIEW

S = ArticleState

# transition: (steps to reach its source state, who may fire it, target state)
TRANSITIONS = {
    "submit": ([], "author", S.SUBMITTED),
    "withdraw": (["submit"], "author", S.WITHDRAWN),
    "start_review": (["submit"], "editor", S.UNDER_REVIEW),
    "desk_reject": (["submit"], "editor", S.REJECTED),
    "request_changes": (["submit", "start_review"], "editor", S.CHANGES_REQUESTED),
    "send_to_board": (["submit", "start_review"], "editor", S.BOARD_REVIEW),
    "reject": (["submit", "start_review"], "editor", S.REJECTED),
    "resubmit": (["submit", "start_review", "request_changes", "edit"], "author", S.UNDER_REVIEW),
    "return_to_editor": (
        ["submit", "start_review", "send_to_board"],
        "board_member",
        S.UNDER_REVIEW,
    ),
}

# Who is refused, and how: people who cannot even see the article get 404
# (drafts stay private); people who can see it but lack the role get 403.
REFUSALS = {
    "submit": {
        "other_author": 404,
        "editor": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "withdraw": {
        "other_author": 404,
        "editor": 403,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "start_review": {
        "author": 403,
        "other_author": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "desk_reject": {
        "author": 403,
        "other_author": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "request_changes": {
        "author": 403,
        "other_author": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "send_to_board": {
        "author": 403,
        "other_author": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "reject": {
        "author": 403,
        "other_author": 404,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "resubmit": {
        "other_author": 404,
        "editor": 403,
        "reviewer": 404,
        "board_member": 404,
        "stranger": 404,
    },
    "return_to_editor": {
        "author": 403,
        "other_author": 404,
        "editor": 403,
        "reviewer": 404,
        "stranger": 404,
    },
}


@pytest.fixture
def reach(draft, advance):
    return lambda steps: advance(draft, *steps)


def _post(client, article, name, **data):
    data.setdefault("comment", "Looks fine to me.")
    data.setdefault("seen_state", article.state)
    return client.post(reverse("articles:transition", args=[article.pk, name]), data)


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_by_the_right_role_moves_the_article_and_is_audited(client, people, reach, name):
    steps, role, target = TRANSITIONS[name]
    # Decisions after review wait for the policy's reviews (tested in
    # tests/security/test_issue19_decisions.py); here they are in.
    article = reach([*steps, "reviews"] if name in DECISIONS_AFTER_REVIEW else steps)
    before = article.state
    client.force_login(people[role])

    response = _post(client, article, name, comment="Reason given here.")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == target
    entry = AuditEntry.objects.filter(article=article).latest("created_at")
    assert (entry.action, entry.from_state, entry.to_state) == (name, before, target)
    assert entry.actor == people[role]
    assert entry.revision == article.current_revision
    assert entry.comment == "Reason given here."
    page = client.get(response.url)
    assert "The article is now" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, refused in REFUSALS.items() for role in refused]
)
def test_transition_is_refused_for_the_wrong_role(client, people, reach, name, role):
    steps, _, _ = TRANSITIONS[name]
    article = reach(steps)
    state_before, audit_before = article.state, AuditEntry.objects.count()
    client.force_login(people[role])

    response = _post(client, article, name)

    assert response.status_code == REFUSALS[name][role]
    if response.status_code == 403:
        # The page names the refused action and says why, not a bare error.
        label = Article.transition_spec(name).custom["label"]
        assert f"use “{label}”" in response.content.decode()
    article.refresh_from_db()
    assert article.state == state_before
    assert AuditEntry.objects.count() == audit_before


def test_every_role_is_covered_for_every_transition(people):
    for name, (_, allowed, _) in TRANSITIONS.items():
        assert set(REFUSALS[name]) | {allowed} == set(people), name


def test_anonymous_visitor_is_sent_to_sign_in(client, draft):
    for url in (
        reverse("articles:desk"),
        reverse("articles:workspace", args=[draft.pk]),
        reverse("articles:transition", args=[draft.pk, "submit"]),
    ):
        response = client.post(url) if "actions" in url else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_transition_from_the_wrong_state_says_why_and_changes_nothing(
    client, editor, draft, advance
):
    article = advance(draft, "submit")
    client.force_login(editor)

    response = _post(client, article, "send_to_board")

    assert response.status_code == 409
    assert "is not possible while the article is “Submitted”" in response.content.decode()
    article.refresh_from_db()
    assert article.state == S.SUBMITTED
    assert not AuditEntry.objects.filter(action="send_to_board").exists()


def test_transitions_are_post_only(client, author, draft):
    client.force_login(author)
    response = client.get(reverse("articles:transition", args=[draft.pk, "submit"]))
    assert response.status_code == 405


def test_unknown_action_is_not_found(client, author, draft):
    client.force_login(author)
    response = client.post(reverse("articles:transition", args=[draft.pk, "publish_now"]))
    assert response.status_code == 404


def test_submit_without_references_lists_what_is_missing(client, author, make_article):
    article = make_article(references=0, body="")
    client.force_login(author)

    workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Before you can submit" in workspace
    response = _post(client, article, "submit")

    assert response.status_code == 409
    text = response.content.decode()
    assert "needs at least one reference" in text
    assert "needs a body" in text
    article.refresh_from_db()
    assert article.state == S.DRAFT
    assert not AuditEntry.objects.exists()


def test_decision_that_needs_a_comment_keeps_the_form_and_changes_nothing(
    client, editor, draft, advance
):
    article = advance(draft, "submit", "start_review", "reviews")
    client.force_login(editor)

    response = _post(client, article, "request_changes", comment="   ")

    assert response.status_code == 400
    assert "needs a comment" in response.content.decode()
    article.refresh_from_db()
    assert article.state == S.UNDER_REVIEW


def test_action_on_a_stale_page_is_refused_as_a_conflict(client, editor, draft, advance):
    article = advance(draft, "submit")
    seen = article.state
    advance(article, "start_review")  # someone else acted first
    client.force_login(editor)

    response = _post(client, article, "desk_reject", comment="Out of scope.", seen_state=seen)

    assert response.status_code == 409
    text = response.content.decode()
    assert "changed by someone else" in text
    article.refresh_from_db()
    assert article.state == S.UNDER_REVIEW
    assert AuditEntry.objects.filter(article=article).count() == 2


def test_same_action_twice_is_applied_once(client, editor, draft, advance):
    article = advance(draft, "submit")
    client.force_login(editor)
    first = _post(client, article, "start_review", seen_state=S.SUBMITTED)
    second = _post(client, article, "start_review", seen_state=S.SUBMITTED)
    assert (first.status_code, second.status_code) == (302, 409)
    assert AuditEntry.objects.filter(action="start_review").count() == 1


@pytest.mark.parametrize(
    ("role", "steps", "expected", "absent"),
    [
        (
            "author",
            [],
            ["Submit for review", "What happens next", "Delete this draft"],
            ["Invite reviewers", "Withdraw"],
        ),
        (
            "editor",
            ["submit"],
            ["Invite reviewers", "Reject without review"],
            ["Submit for review"],
        ),
        (
            "author",
            ["submit"],
            ["The editors have your submission", "Withdraw"],
            ["Invite reviewers", "Submit for review", "Delete this draft"],
        ),
        (
            "board_member",
            ["submit", "start_review", "send_to_board"],
            ["Return to editor", "Sign off revision 1"],
            ["Approve for publication", "Reject"],
        ),
        (
            "editor",
            ["submit", "start_review", "send_to_board"],
            ["The Advisory Board is reading the reviewed revision"],
            ["Return to editor", "Sign off", "Your next step"],
        ),
    ],
)
def test_workflow_panel_offers_exactly_what_this_person_may_do(
    client, people, reach, role, steps, expected, absent
):
    article = reach(steps)
    client.force_login(people[role])
    page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    # The panel and the action buttons above it; the history table below repeats labels.
    text = page.split('id="revisions-heading"')[0]
    for label in expected:
        assert label in text
    for label in absent:
        assert label not in text
    if not expected:
        assert "nothing for you to do" in text


def test_tracker_marks_the_current_step_with_its_date(client, author, draft, advance):
    article = advance(draft, "submit", "start_review")
    client.force_login(author)
    text = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert 'aria-current="step"' in text
    current = text.split('aria-current="step"')[1].split("</li>")[0]
    assert "Under Review" in current
    assert f"{article.under_review_at:%-d %b %Y}" in current
    assert text.count('aria-current="step"') == 1


@pytest.mark.parametrize(
    ("steps", "stage"),
    [
        ([], None),
        (["submit"], "Submitted"),
        (["submit", "start_review"], "Under Review"),
        (["submit", "start_review", "request_changes"], "Under Review"),
        (["submit", "start_review", "send_to_board"], "Under Review"),
        (["submit", "desk_reject"], None),
        (["submit", "withdraw"], None),
    ],
)
def test_public_stage_follows_the_internal_state(reach, steps, stage):
    article = reach(steps)
    assert (article.public_stage.label if article.public_stage else None) == stage


def test_state_cannot_be_assigned_directly(draft):
    with pytest.raises(AttributeError):
        draft.state = S.APPROVED


# -- actions by intent -------------------------------------------------------


def _next_step_panel(text: str) -> str:
    return text.split('id="actions-heading"')[1].split("</section>")[0]


def test_the_drafts_one_primary_action_is_submit_with_what_happens_next(client, author, draft):
    client.force_login(author)
    text = client.get(reverse("articles:workspace", args=[draft.pk])).content.decode()
    panel = _next_step_panel(text)
    assert "Your next step" in panel
    assert panel.count('class="btn btn-primary') == 1
    assert ">Submit for review</button>" in panel
    assert "The editors receive this revision" in panel
    # One comment box at most, and no "Withdraw" for a draft: it is deleted instead.
    assert panel.count("<textarea") == 1
    assert "Withdraw" not in text.split('id="revisions-heading"')[0]
    delete_link = reverse("articles:delete", args=[draft.pk])
    assert text.index(">Submit for review<") < text.index(delete_link)


def test_the_editors_primary_action_on_a_submission_is_inviting_reviewers(
    client, editor, draft, advance
):
    article = advance(draft, "submit")
    client.force_login(editor)
    text = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    panel = _next_step_panel(text)
    assert "Invite reviewers" in panel
    assert "Reject without review" not in panel
    # Rejecting comes after it, as a link to its confirmation page: no red button, no box.
    confirm = reverse("articles:confirm", args=[article.pk, "desk_reject"])
    assert text.index("Invite reviewers") < text.index(confirm)
    assert "btn-danger" not in text.split('id="revisions-heading"')[0]


def test_withdrawing_asks_for_confirmation_first(client, author, draft, advance):
    article = advance(draft, "submit")
    client.force_login(author)
    workspace = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    confirm = reverse("articles:confirm", args=[article.pk, "withdraw"])
    assert confirm in workspace
    withdraw = reverse("articles:transition", args=[article.pk, "withdraw"])
    assert f'action="{withdraw}"' not in workspace

    page = client.get(confirm)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Are you sure?" in text
    assert "cannot be resubmitted" in text
    assert "Yes, withdraw" in text
    article.refresh_from_db()
    assert article.state == S.SUBMITTED  # looking at the page changed nothing

    done = _post(client, article, "withdraw", comment="Found a better source.")
    assert done.status_code == 302
    article.refresh_from_db()
    assert article.state == S.WITHDRAWN


def test_a_refused_reason_comes_back_on_the_confirmation_page(client, editor, draft, advance):
    article = advance(draft, "submit")
    client.force_login(editor)
    response = _post(client, article, "desk_reject", comment="  ")
    text = response.content.decode()
    assert response.status_code == 400
    assert "Are you sure?" in text
    assert "needs a comment" in text
    article.refresh_from_db()
    assert article.state == S.SUBMITTED


def test_confirmation_page_is_refused_with_a_reason_for_the_wrong_role(
    client, author, draft, advance
):
    article = advance(draft, "submit")
    client.force_login(author)
    response = client.get(reverse("articles:confirm", args=[article.pk, "desk_reject"]))
    assert response.status_code == 403
    assert "use “Reject without review”" in response.content.decode()


def test_a_draft_can_no_longer_be_withdrawn(client, author, draft):
    client.force_login(author)
    response = _post(client, draft, "withdraw")
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


# -- deleting a never-submitted draft ----------------------------------------


def test_author_deletes_a_never_submitted_draft_after_confirming(client, author, draft):
    client.force_login(author)
    url = reverse("articles:delete", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Are you sure?" in page.content.decode()
    assert Article.objects.filter(pk=draft.pk).exists()  # nothing happens before the POST

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("articles:desk")
    assert not Article.objects.filter(pk=draft.pk).exists()
    desk = client.get(response.url).content.decode()
    assert f"The draft “{draft.title}” was deleted." in desk


@pytest.mark.parametrize("role", ["editor", "reviewer", "board_member", "stranger", "other_author"])
def test_nobody_else_can_delete_a_draft_or_learn_it_exists(client, people, draft, role):
    client.force_login(people[role])
    for method in (client.get, client.post):
        assert method(reverse("articles:delete", args=[draft.pk])).status_code == 404
    assert Article.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("role", ["author", "editor"])
def test_a_submitted_article_cannot_be_deleted(client, people, draft, advance, role):
    article = advance(draft, "submit")
    client.force_login(people[role])
    response = client.post(reverse("articles:delete", args=[article.pk]))
    text = response.content.decode()
    assert response.status_code == 403
    assert (
        "only a draft that was never submitted can be deleted" in text
        if role == "author"
        else "authors can delete its draft." in text
    )
    assert Article.objects.filter(pk=article.pk).exists()
    assert "Delete this draft" not in client.get(article.get_absolute_url()).content.decode()


def test_anonymous_visitor_cannot_delete_a_draft(client, draft):
    response = client.post(reverse("articles:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert Article.objects.filter(pk=draft.pk).exists()


def test_a_draft_with_audit_entries_is_kept(author, draft):
    from django.core.exceptions import PermissionDenied

    from articles.services import article_delete_draft

    AuditEntry.note(draft, author, "imported", "From an older system.")
    with pytest.raises(PermissionDenied, match="audit trail"):
        article_delete_draft(article=draft, author=author)
    assert Article.objects.filter(pk=draft.pk).exists()
