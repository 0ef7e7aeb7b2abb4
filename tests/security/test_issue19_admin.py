"""Issue 19, items 8 and 18: the admin shows editors no more than the desk
does (no author's unsubmitted draft, no review records of an article they
wrote), for every model of the core, articles and reviews apps; reader questions
are read-only there (the desk handles them, with an audit entry)."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from articles.models import (
    Article,
    ArticleNotice,
    AuditEntry,
    Discussion,
    DiscussionAudience,
    DiscussionMessage,
    DiscussionReading,
    EditorialPolicy,
    GlossaryTerm,
    PolicyVersion,
    ReaderQuestion,
    ReferenceCheck,
    Revision,
    RevisionReminderSent,
    SourceAlert,
    SourceResponse,
)
from articles.services import article_create, discussion_start, revision_save_draft
from core.models import PendingEmail, PeriodicRun
from reviews.models import (
    BoardRecusal,
    BoardSignoff,
    ExtensionRequest,
    ReminderSent,
    Review,
    ReviewAssignment,
    ReviewRound,
    SignoffWithdrawal,
)
from reviews.services import (
    board_signoff_record,
    invitation_accept,
    review_save,
    reviewers_invite,
)

from ..factories import PASSWORD, UserFactory, legacy_withdrawn_draft, reference

APPS = {"core", "articles", "reviews"}
# Editors have no view permission on these: the admin refuses them outright.
# Requests for more time are answered on the desk's pages, never in the admin.
NOT_FOR_EDITORS = {
    ReminderSent,
    PendingEmail,
    PeriodicRun,
    PolicyVersion,
    ExtensionRequest,
    RevisionReminderSent,
    SourceResponse,  # PubMed's and Crossref's public answers, a cache
}


def _due():
    return timezone.localdate() + datetime.timedelta(days=10)


def _new_article(author, title):
    return article_create(
        author=author, title=title, primary_audience="patient",
        summary="S.", body="B [1].", references=[reference(1)],
    )  # fmt: skip


def _reviewed(article, editor, reviewers):
    """Invite, accept and submit a review from each reviewer."""
    for assignment in reviewers_invite(
        article=article, editor=editor, reviewers=reviewers, due_date=_due()
    ):
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
        review_save(
            assignment=assignment, reviewer=assignment.reviewer, submit=True,
            data={"recommendation": "approve", "comments_to_author": "Fine."},
        )  # fmt: skip
    article.refresh_from_db()
    return article


@pytest.fixture
def world(db):
    penwright = UserFactory(username="penwright", roles=[Role.EDITOR, Role.AUTHOR], is_staff=True)
    handler = UserFactory(username="handler", roles=[Role.EDITOR])
    writer = UserFactory(username="writer", roles=[Role.AUTHOR])
    board = UserFactory(username="boardie", roles=[Role.BOARD])
    board2 = UserFactory(username="boardie2", roles=[Role.BOARD])
    reviewers = [UserFactory(username=f"rv{n}", roles=[Role.REVIEWER]) for n in range(3)]
    root = User.objects.create_superuser("root", "root@example.org", "Root-pass-12345")

    draft = _new_article(writer, "Unsubmitted draft?")
    withdrawn = legacy_withdrawn_draft(_new_article(writer, "Withdrawn before submitting?"), writer)

    published = _new_article(writer, "Published?").fire("submit", by=writer)
    published = _reviewed(published, handler, reviewers[:2])
    published = published.fire("send_to_board", by=handler)
    published = board_signoff_record(article=published, member=board, password=PASSWORD)
    revision_save_draft(
        article=published, author=writer, seen_hash=published.current_revision.content_hash,
        title="Published?", primary_audience="patient", summary="S2.", body="B2 [1].",
        references=[reference(2)],
    )  # fmt: skip
    published.refresh_from_db()
    published_assignment = ReviewAssignment.objects.filter(round__article=published).first()
    published_recusal = BoardRecusal.objects.create(
        article=published, member=board2, reason="Consults for the maker."
    )

    own = _new_article(penwright, "Own article?").fire("submit", by=penwright)
    (own_assignment,) = reviewers_invite(
        article=own, editor=handler, reviewers=[reviewers[2]], due_date=_due()
    )
    invitation_accept(
        assignment=own_assignment, reviewer=reviewers[2], has_conflict=True,
        conflict_details="Owns shares.",
    )  # fmt: skip
    own.refresh_from_db()
    own_recusal = BoardRecusal.objects.create(article=own, member=board, reason="Friend.")

    # A signature withdrawn by returning the article (quorum 2, so one
    # signature does not approve it).
    policy = EditorialPolicy.current()
    policy.board_quorum = 2
    policy.save()
    returned = _new_article(writer, "Returned by the board?").fire("submit", by=writer)
    returned = _reviewed(returned, handler, reviewers[:2]).fire("send_to_board", by=handler)
    returned = board_signoff_record(article=returned, member=board, password=PASSWORD)
    returned.fire("return_to_editor", by=board, comment="On reflection, the dose is wrong.")
    assert SignoffWithdrawal.objects.count() == 1

    # Threads among the editors alone: one on the editor's own article
    # (hidden from them), one on an article they handle (shown).
    own_thread = discussion_start(
        article=own, user=handler, audience=DiscussionAudience.EDITORS,
        subject="Conflict?", text="The reviewer owns shares.",
    )  # fmt: skip
    handled_thread = discussion_start(
        article=published, user=handler, audience=DiscussionAudience.EDITORS,
        subject="Dose?", text="Check the dose.",
    )  # fmt: skip

    # The retraction watch's alerts and the submission check's results: seen
    # with the article they concern.
    cited = published.published_revision.references.get()
    alert = SourceAlert.objects.create(
        article=published, reference=cited, kind="retraction", source="Crossref",
        found_at=timezone.now(),
    )  # fmt: skip
    draft_check = ReferenceCheck.objects.create(reference=draft.current_revision.references.get())
    published_check = ReferenceCheck.objects.create(reference=cited, status="verified")

    def entries(article, **kwargs):
        return list(AuditEntry.objects.filter(article=article, **kwargs))

    hidden = {
        Article: [draft, withdrawn],
        Revision: [
            draft.current_revision,
            withdrawn.current_revision,
            published.current_revision,  # the open draft of an update
        ],
        AuditEntry: entries(withdrawn)
        + entries(own, action__in=["reviewers_invited", "review_accepted"]),
        ReviewRound: list(own.review_rounds.all()),
        ReviewAssignment: [own_assignment],
        Review: [own_assignment.review],
        BoardRecusal: [own_recusal],
        BoardSignoff: [],  # signatures are public once given
        SignoffWithdrawal: [],  # so are their withdrawals
        ReaderQuestion: [
            ReaderQuestion.objects.create(
                article=own, revision=own.current_revision, audience="patient", question="Mine?"
            )
        ],
        EditorialPolicy: [],
        GlossaryTerm: [],
        ArticleNotice: [],  # notices are public once published
        Discussion: [own_thread],
        DiscussionMessage: list(own_thread.messages.all()),
        DiscussionReading: list(DiscussionReading.objects.filter(discussion=own_thread)),
        SourceAlert: [],
        ReferenceCheck: [draft_check],
    }
    shown = {
        Article: [published, own],
        Revision: [published.published_revision, own.current_revision],
        AuditEntry: entries(published, action="submit")
        + entries(published, action="review_submitted")
        + entries(own, action="submit"),
        ReviewRound: list(published.review_rounds.all()),
        ReviewAssignment: [published_assignment],
        Review: [published_assignment.review],
        BoardRecusal: [published_recusal],
        BoardSignoff: list(BoardSignoff.objects.all()),
        SignoffWithdrawal: list(SignoffWithdrawal.objects.all()),
        ReaderQuestion: [
            ReaderQuestion.objects.create(
                article=published,
                revision=published.published_revision,
                audience="patient",
                question="Theirs?",
            )
        ],
        EditorialPolicy: [EditorialPolicy.current()],
        GlossaryTerm: [GlossaryTerm.objects.create(term="dose", explanation="how much")],
        ArticleNotice: [
            ArticleNotice.objects.create(
                article=published,
                revision=published.published_revision,
                kind="correction",
                reason="The dose was wrong.",
                issued_by=handler,
            )
        ],
        Discussion: [handled_thread],
        DiscussionMessage: list(handled_thread.messages.all()),
        DiscussionReading: list(DiscussionReading.objects.filter(discussion=handled_thread)),
        SourceAlert: [alert],
        ReferenceCheck: [published_check],
    }
    ReminderSent.objects.create(
        assignment=own_assignment, due_date=own_assignment.due_date, step="due-soon"
    )
    PendingEmail.objects.create(to=["x@example.org"], subject="S", body="B")
    SourceResponse.objects.create(url="https://api.crossref.org/works/10.1000/x", status=404)
    PeriodicRun.objects.create(job="reviews.tasks.send_review_reminders", slot=timezone.now())
    return {"editor": penwright, "root": root, "hidden": hidden, "shown": shown}


def _registered():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _changelist_url(model) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def test_every_admin_model_has_a_declared_visibility(world):
    declared = set(world["hidden"]) | NOT_FOR_EDITORS
    assert {m.__name__ for m in _registered()} - {m.__name__ for m in declared} == set()


def test_editor_sees_in_the_admin_only_what_the_desk_shows(client, world):
    client.force_login(world["editor"])
    problems = []
    for model in _registered():
        listing = client.get(_changelist_url(model))
        if model in NOT_FOR_EDITORS:
            if listing.status_code != 403:
                problems.append(f"{model.__name__} list: {listing.status_code}")
            continue
        text = listing.content.decode()
        for obj in world["hidden"][model]:
            response = client.get(_change_url(obj))
            if response.status_code not in (302, 404) or _change_url(obj) in text:
                problems.append(f"{model.__name__} {obj.pk} shown ({response.status_code})")
        for obj in world["shown"][model]:
            if client.get(_change_url(obj)).status_code != 200 or _change_url(obj) not in text:
                problems.append(f"{model.__name__} {obj.pk} not shown")
    assert problems == []


def test_unsubmitted_revision_and_its_references_stay_private_in_the_admin(client, world):
    client.force_login(world["editor"])
    for revision in world["hidden"][Revision]:
        response = client.get(_change_url(revision), follow=True)
        assert revision.body not in response.content.decode()
    update_draft = world["hidden"][Revision][-1]
    page = client.get(_change_url(update_draft), follow=True).content.decode()
    assert "A study of things number 2" not in page  # the draft's own reference
    listing = client.get(_changelist_url(Article), {"state__exact": "draft"}).content.decode()
    assert "Unsubmitted draft?" not in listing


def test_superuser_still_sees_every_row(client, world):
    client.force_login(world["root"])
    for model, objects in world["hidden"].items():
        for obj in objects:
            assert client.get(_change_url(obj)).status_code == 200, (model.__name__, obj.pk)


# -- item 18: reader questions are handled on the desk only ------------------------


def test_reader_questions_are_read_only_in_the_admin(client, world):
    question = world["shown"][ReaderQuestion][0]
    client.force_login(world["editor"])
    url = _change_url(question)
    page = client.get(url)
    assert page.status_code == 200 and 'name="answer"' not in page.content.decode()
    changed = client.post(url, {"answer": "Edited in the admin", "handled_at_0": "2026-01-01"})
    assert changed.status_code == 403
    delete_url = reverse("admin:articles_readerquestion_delete", args=[question.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    question.refresh_from_db()
    assert question.answer == "" and question.handled_at is None
    assert ReaderQuestion.objects.filter(pk=question.pk).exists()


def test_editors_hold_no_change_permission_on_reader_questions(world):
    assert world["editor"].has_perm("articles.view_readerquestion")
    assert not world["editor"].has_perm("articles.change_readerquestion")
    assert not world["editor"].has_perm("articles.delete_readerquestion")
