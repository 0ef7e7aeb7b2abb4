"""Issue 19, item 2: a person with the Editor role who also wrote an article
never learns who reviewed it (names, recommendations, declared conflicts,
confidential comments), on any editor page, in the CSV export or in the admin.

The walk takes its URLs from the resolver and the admin's registry, so a new
page is covered as soon as it exists."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role
from articles.models import (
    AuditEntry,
    DiscussionAudience,
    EditorialPolicy,
    GlossaryTerm,
    ReaderQuestion,
)
from articles.services import article_create, discussion_post, discussion_start
from reviews.services import (
    board_recuse,
    board_signoff_record,
    extension_request,
    invitation_accept,
    invitation_decline,
    review_save,
    reviewers_invite,
)

from ..factories import PASSWORD, UserFactory, legacy_withdrawn_draft, reference
from .matrix_world import url_for, url_names

# What the editor-author must never read about their own article.
REVIEWER_NAMES = [
    *("rv_quill", "Quincy Quill"),
    *("rv_conflict", "Connie Flict"),
    *("rv_decline", "Dee Clines"),
]
REVIEW_CONTENT = [
    "Major changes",  # the recommendation's label
    "CONFLICT-TOKEN-ZX",
    "CONFIDENTIAL-TOKEN-QV",
    "AUTHOR-COMMENT-TOKEN",
    "DECLINE-TOKEN-KW",
    "EXTENSION-TOKEN-EQ",  # a reviewer's reason for asking for more time
    # The editors' thread with a reviewer: its subject, question and answer.
    "THREAD-SUBJECT-TOKEN",
    "THREAD-TEXT-TOKEN",
    "THREAD-REPLY-TOKEN",
    # A board member's competing interest, declared when stepping aside
    # after signing, and the withdrawal's reason that would betray it.
    "RECUSAL-TOKEN-RB",
    "(competing interest)",
    "Stepped aside",
    "stepped aside (",
]
# Pages that list every account or every reviewer, whatever they reviewed:
# a name there says nothing about who reviewed what. Their figures are
# tested on their own (test_office_reviewer_figures_leave_out_own_articles).
LISTS_EVERYONE = {
    "accounts:people",
    "accounts:person",
    "office:dashboard",
    "admin:accounts_user_changelist",
}


def _due():
    return timezone.localdate() + datetime.timedelta(days=10)


def _new_article(author, title):
    return article_create(
        author=author, title=title, primary_audience="patient",
        summary="S.", body="B [1].", references=[reference(1)],
    )  # fmt: skip


@pytest.fixture
def world(db):
    """The editor-author's article under review with three reviewers (one
    submitted, one declared a conflict, one declined), another of theirs in
    board review that a member signed and then stepped aside from, and a
    colleague's article whose reviewers the editor-author may see."""
    penwright = UserFactory(
        username="penwright", display_name="Pen Wright", roles=[Role.EDITOR, Role.AUTHOR],
        is_staff=True,
    )  # fmt: skip
    handler = UserFactory(username="handler", display_name="Hal Handler", roles=[Role.EDITOR])
    writer = UserFactory(username="writer", display_name="Wil Writer", roles=[Role.AUTHOR])
    board = UserFactory(username="boardie", display_name="Bo Ard", roles=[Role.BOARD])
    quill = UserFactory(username="rv_quill", display_name="Quincy Quill", roles=[Role.REVIEWER])
    conflicted = UserFactory(
        username="rv_conflict", display_name="Connie Flict", roles=[Role.REVIEWER]
    )
    decliner = UserFactory(username="rv_decline", display_name="Dee Clines", roles=[Role.REVIEWER])
    otto = UserFactory(username="rv_otto", display_name="Otto Open", roles=[Role.REVIEWER])
    olga = UserFactory(username="rv_olga", display_name="Olga Open", roles=[Role.REVIEWER])

    own = _new_article(penwright, "Own article?").fire("submit", by=penwright)
    quill_assignment, conflict_assignment, decline_assignment = reviewers_invite(
        article=own, editor=handler, reviewers=[quill, conflicted, decliner], due_date=_due()
    )
    invitation_accept(assignment=quill_assignment, reviewer=quill, has_conflict=False)
    review_save(
        assignment=quill_assignment, reviewer=quill, submit=True,
        data={"recommendation": "major", "comments_to_author": "AUTHOR-COMMENT-TOKEN",
              "confidential_comments": "CONFIDENTIAL-TOKEN-QV"},
    )  # fmt: skip
    invitation_accept(
        assignment=conflict_assignment, reviewer=conflicted, has_conflict=True,
        conflict_details="CONFLICT-TOKEN-ZX",
    )  # fmt: skip
    invitation_decline(assignment=decline_assignment, reviewer=decliner, reason="DECLINE-TOKEN-KW")
    extension = extension_request(
        assignment=conflict_assignment, reviewer=conflicted, reason="EXTENSION-TOKEN-EQ",
        due_date=conflict_assignment.due_date + datetime.timedelta(days=7),
    )  # fmt: skip
    # The handling editor's thread with one reviewer of the editor's own article.
    thread = discussion_start(
        article=own, user=handler, audience=DiscussionAudience.REVIEWER, reviewer=quill,
        subject="THREAD-SUBJECT-TOKEN", text="THREAD-TEXT-TOKEN",
    )  # fmt: skip
    discussion_post(discussion=thread, user=quill, text="THREAD-REPLY-TOKEN")

    # A colleague's article, reviewed by two others and published.
    published = _new_article(writer, "Colleague's article?").fire("submit", by=writer)
    for assignment in reviewers_invite(
        article=published, editor=handler, reviewers=[otto, olga], due_date=_due()
    ):
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
        review_save(
            assignment=assignment, reviewer=assignment.reviewer, submit=True,
            data={"recommendation": "approve", "comments_to_author": "Fine."},
        )  # fmt: skip
    published.refresh_from_db()
    published = published.fire("send_to_board", by=handler)
    published = board_signoff_record(article=published, member=board, password=PASSWORD)
    # With a quorum of two, a signature alone does not approve; its signer
    # then declares a competing interest.
    policy = EditorialPolicy.current()
    policy.board_quorum = 2
    policy.save()
    stepped = _new_article(penwright, "Own article in board review?").fire("submit", by=penwright)
    for assignment in reviewers_invite(
        article=stepped, editor=handler, reviewers=[otto, olga], due_date=_due()
    ):
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
        review_save(
            assignment=assignment, reviewer=assignment.reviewer, submit=True,
            data={"recommendation": "approve", "comments_to_author": "Fine."},
        )  # fmt: skip
    stepped.refresh_from_db()
    stepped = stepped.fire("send_to_board", by=handler)
    stepped = board_signoff_record(article=stepped, member=board, password=PASSWORD)
    board_recuse(article=stepped, member=board, reason="RECUSAL-TOKEN-RB")
    question = ReaderQuestion.objects.create(
        article=published, revision=published.published_revision, audience="patient",
        question="Why?",
    )  # fmt: skip
    term = GlossaryTerm.objects.create(term="dose", explanation="how much")
    invitation = Invitation.objects.create(
        email="new@example.org", role=Role.REVIEWER, invited_by=handler
    )
    return {
        "penwright": penwright,
        "handler": handler,
        "writer": writer,
        "own": own,
        "stepped": stepped,
        "published": published,
        "quill": quill,
        "otto": otto,
        "kwargs": {
            "pk": own.pk,
            "number": 1,
            "name": "request_changes",
            "slug": published.slug,
            "level": "professional",
            "assignment_id": quill_assignment.pk,
            "request_id": extension.pk,
            "discussion_id": thread.pk,
            "token": signing.dumps(invitation.pk, salt="accounts.invitation"),
        },
        "special": {
            "accounts:person": {"pk": quill.pk},
            "accounts:person_roles": {"pk": quill.pk},
            "accounts:person_unlock": {"pk": quill.pk},
            "office:glossary_edit": {"pk": term.pk},
            "office:glossary_delete": {"pk": term.pk},
            "office:question_handle": {"pk": question.pk},
        },
    }


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _leaks(name: str, text: str) -> list[str]:
    secrets = REVIEW_CONTENT + ([] if name in LISTS_EVERYONE else REVIEWER_NAMES)
    return [secret for secret in secrets if secret in text]


def _admin_urls() -> list[tuple[str, str]]:
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        changelist = f"admin:{opts.app_label}_{opts.model_name}_changelist"
        urls.append((changelist, reverse(changelist)))
        if opts.app_label in {"articles", "reviews"}:
            urls.append((changelist, f"{reverse(changelist)}?q=rv_"))  # the admin's search
            for pk in model._default_manager.values_list("pk", flat=True):
                change = f"admin:{opts.app_label}_{opts.model_name}_change"
                urls.append((change, reverse(change, args=[pk])))
    return urls


def test_editor_author_reads_nothing_about_their_reviewers_on_any_page(client, world):
    own, quill = world["own"], world["quill"]
    requests = [
        ("GET", name, url_for(name, world["kwargs"], world["special"])) for name in url_names()
    ]
    # Every page of the article a board member stepped aside from, too.
    stepped_kwargs = {**world["kwargs"], "pk": world["stepped"].pk}
    requests += [
        ("GET", name, url_for(name, stepped_kwargs, {}))
        for name in url_names()
        if url_for(name, stepped_kwargs, {}) != url_for(name, world["kwargs"], world["special"])
    ]
    requests += [("POST", name, url) for _, name, url in requests]
    for name in ("office:audit", "office:audit_csv"):
        for query in (
            f"article={own.pk}",
            f"article={world['stepped'].pk}",
            f"person={quill.pk}",
            "action=review_accepted",
            "action=sign_off_withdrawn",
        ):
            requests.append(("GET", name, f"{reverse(name)}?{query}"))
    requests.append(("GET", "office:questions", f"{reverse('office:questions')}?show=handled"))
    requests.append(("GET", "office:queue", f"{reverse('office:queue')}?state=under_review"))
    requests += [("GET", name, url) for name, url in _admin_urls()]
    leaks = []
    for method, name, url in requests:
        # Afresh each time: one POST signs out, others leave a message for the next page.
        client.cookies.clear()
        client.force_login(world["penwright"])
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{method} {url}: {response.status_code}"
        if found := _leaks(name, _text(response)):
            leaks.append(f"{method} {url}: {found}")
    assert leaks == []


def test_another_editor_still_sees_who_reviewed(client, world):
    client.force_login(world["handler"])
    own = world["own"]
    log = client.get(reverse("office:audit"), {"article": own.pk}).content.decode()
    assert "CONFLICT-TOKEN-ZX" in log and "Quincy Quill" in log
    round_page = client.get(reverse("reviews:round", args=[own.pk, 1])).content.decode()
    assert "Quincy Quill" in round_page and "Major changes" in round_page


def test_audit_log_and_csv_hide_review_steps_on_the_viewers_own_article(client, world):
    client.force_login(world["penwright"])
    own, published = world["own"], world["published"]
    log = client.get(reverse("office:audit"), {"article": own.pk}).content.decode()
    assert "Submit for review" in log  # the workflow itself stays visible
    assert "Quincy Quill" not in log and "CONFLICT-TOKEN-ZX" not in log
    export = client.get(reverse("office:audit_csv"), {"article": own.pk})
    rows = list(csv.reader(io.StringIO(_text(export))))
    actions = [row[5] for row in rows[1:]]
    assert "submit" in actions
    assert not {"reviewers_invited", "review_accepted", "review_submitted"} & set(actions)
    # The colleague's article keeps its full record, for the same editor.
    other = client.get(reverse("office:audit"), {"article": published.pk}).content.decode()
    assert "Otto Open" in other and "Approve as it is" in other


def test_audit_filter_lists_no_one_who_only_reviewed_the_viewers_article(client, world):
    client.force_login(world["penwright"])
    page = client.get(reverse("office:audit")).content.decode()
    assert f'value="{world["quill"].pk}"' not in page
    assert f'value="{world["otto"].pk}"' in page
    assert 'value="review_declined"' not in page  # only ever on the viewer's article
    assert 'value="review_submitted"' in page


def test_audit_log_never_shows_a_never_submitted_article(client, world):
    writer_draft = _new_article(world["writer"], "Private draft title?")
    legacy_withdrawn_draft(writer_draft, world["writer"])
    assert AuditEntry.objects.filter(article=writer_draft).exists()
    client.force_login(world["penwright"])
    log = client.get(reverse("office:audit")).content.decode()
    export = _text(client.get(reverse("office:audit_csv")))
    assert "Private draft title?" not in log and "Private draft title?" not in export


def _workload_seen_by(client, person) -> dict:
    client.force_login(person)
    workload = client.get(reverse("office:dashboard")).context["workload"]
    return {row["reviewer"].username: row for row in workload}


def test_office_reviewer_figures_leave_out_own_articles(client, world):
    """The dashboard lists every reviewer, but counts no assignment on an
    article the viewer wrote: quill's only invitation is on penwright's."""
    rows = _workload_seen_by(client, world["penwright"])
    assert rows["rv_quill"]["acceptance"] is None and rows["rv_quill"]["median_days"] is None
    assert rows["rv_conflict"]["open"] == 0
    assert rows["rv_otto"]["acceptance"] == 100 and rows["rv_otto"]["median_days"] is not None
    rows = _workload_seen_by(client, world["handler"])
    assert rows["rv_quill"]["acceptance"] == 100 and rows["rv_conflict"]["open"] == 1


def test_reader_question_on_own_article_is_left_to_another_editor(client, world):
    own_published = world["published"]
    own_published.authors.add(world["penwright"])
    question = ReaderQuestion.objects.get(article=own_published)
    client.force_login(world["penwright"])
    desk = client.get(reverse("office:questions")).content.decode()
    assert "Why?" not in desk
    response = client.post(reverse("office:question_handle", args=[question.pk]))
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.handled_at is None
    client.force_login(world["handler"])
    assert "Why?" in client.get(reverse("office:questions")).content.decode()
    client.post(reverse("office:question_handle", args=[question.pk]))
    question.refresh_from_db()
    assert question.handled_by == world["handler"]


def test_no_one_signed_out_sees_an_audit_entry(world):
    assert not AuditEntry.objects.visible_to(AnonymousUser()).exists()


def test_invite_page_workload_leaves_out_the_viewers_own_articles(client, world):
    """Candidates' open invitations are a workload figure too: on a
    colleague's article, the editor-author does not see the invitation to
    review their own article counted."""
    submitted = _new_article(world["writer"], "Another?").fire("submit", by=world["writer"])
    url = reverse("reviews:invite", args=[submitted.pk])

    def open_counts(person):
        client.force_login(person)
        candidates = client.get(url).context["candidates"]
        return {c.username: c.open_assignments for c in candidates}

    assert open_counts(world["penwright"])["rv_conflict"] == 0
    assert open_counts(world["handler"])["rv_conflict"] == 1
