"""Discussions per article: who reads each thread (every role and
relationship), reviewer anonymity, append-only messages tied to revisions,
who is told, and the pages."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from articles.models import AuditEntry, Discussion, DiscussionAudience, DiscussionMessage
from articles.rules import may_read_discussion, startable_audiences
from articles.services import discussion_post, discussion_start
from reviews.services import board_recuse, invitation_decline, reviewers_invite

from .factories import UserFactory

AUTHORS = DiscussionAudience.AUTHORS
REVIEWER = DiscussionAudience.REVIEWER
BOARD = DiscussionAudience.BOARD
EDITORS = DiscussionAudience.EDITORS


@pytest.fixture
def world(
    make_article,
    advance,
    author,
    other_author,
    editor,
    reviewer,
    second_reviewer,
    board_member,
    second_board_member,
    stranger,
    django_capture_on_commit_callbacks,
):
    """One article in board review, written by three people (one of them an
    editor), reviewed by two reviewers, with one board member who stepped
    aside; another author's article; one thread of each audience."""
    reviewer.display_name = "Rita Quillfeather"
    reviewer.save()
    co_author = UserFactory(username="coauthor", display_name="Cy Coauthor", roles=[Role.AUTHOR])
    editor_author = UserFactory(
        username="edauthor", display_name="Ed Writer", roles=[Role.EDITOR, Role.AUTHOR]
    )
    article = make_article()
    article.authors.add(co_author, editor_author)
    article = advance(article, "submit", "start_review", "reviews", "send_to_board")
    board_recuse(article=article, member=second_board_member, reason="I advise its maker.")
    elsewhere = make_article(by=other_author, title="Another question?")
    elsewhere = elsewhere.fire("submit", by=other_author)
    with django_capture_on_commit_callbacks(execute=True):
        threads = {
            AUTHORS: discussion_start(
                article=article, user=author, audience=AUTHORS,
                subject="Which dose?", text="Should we give the dose per kg?",
            ),
            REVIEWER: discussion_start(
                article=article, user=editor, audience=REVIEWER, reviewer=reviewer,
                subject="Your second point", text="Could you say more about the trial?",
            ),
            BOARD: discussion_start(
                article=article, user=board_member, audience=BOARD,
                subject="Before I sign", text="Is the warning strong enough?",
            ),
            EDITORS: discussion_start(
                article=article, user=editor, audience=EDITORS,
                subject="Between us", text="Shall we ask a pharmacist too?",
            ),
        }  # fmt: skip
    people = {
        "author": author,
        "co_author": co_author,
        "editor_author": editor_author,
        "other_author": other_author,
        "editor": editor,
        "reviewer": reviewer,
        "other_reviewer": second_reviewer,
        "board_member": board_member,
        "stepped_aside": second_board_member,
        "stranger": stranger,
    }
    return {"article": article, "elsewhere": elsewhere, "threads": threads, "people": people}


# Who reads which thread: the one rule, stated once more as the expectation.
READS = {
    "author": {AUTHORS},
    "co_author": {AUTHORS},
    # An editor who wrote the article is one of its authors here.
    "editor_author": {AUTHORS},
    "other_author": set(),
    "editor": {AUTHORS, REVIEWER, BOARD, EDITORS},
    "reviewer": {REVIEWER},
    "other_reviewer": set(),
    "board_member": {BOARD},
    "stepped_aside": set(),
    "stranger": set(),
}


@pytest.mark.parametrize("who", READS)
def test_each_person_reads_exactly_the_threads_they_are_in(client, world, who):
    person = world["people"][who]
    threads = world["threads"]
    expected = {threads[audience].pk for audience in READS[who]}
    # The predicate and its query form agree.
    assert {t.pk for t in threads.values() if may_read_discussion(person, t)} == expected
    assert set(Discussion.objects.visible_to(person).values_list("pk", flat=True)) == expected
    client.force_login(person)
    for audience, thread in threads.items():
        response = client.get(thread.get_absolute_url())
        # Not in it: 404, so nobody learns the thread exists.
        assert response.status_code == (200 if audience in READS[who] else 404), audience
        response = client.post(thread.get_absolute_url(), {"text": "Me too."})
        assert response.status_code == (302 if audience in READS[who] else 404), audience


@pytest.mark.parametrize("who", READS)
def test_participants_are_the_readers_of_the_rule(world, who):
    person = world["people"][who]
    for audience, thread in world["threads"].items():
        assert (person in thread.participants()) == (audience in READS[who]), audience


def test_the_workspace_lists_only_the_threads_one_is_in(client, world):
    article, threads = world["article"], world["threads"]
    for who in ("author", "co_author", "editor_author", "editor"):
        client.force_login(world["people"][who])
        page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
        for audience, thread in threads.items():
            assert (thread.subject in page) == (audience in READS[who]), (who, audience)


def test_an_author_of_another_article_sees_nothing(client, world):
    other_author = world["people"]["other_author"]
    client.force_login(other_author)
    article = world["article"]
    assert client.get(reverse("articles:discussion_new", args=[article.pk])).status_code == 404
    assert not Discussion.objects.visible_to(other_author).exists()
    # Their own article has no threads, and theirs lists none of ours.
    page = client.get(reverse("articles:workspace", args=[world["elsewhere"].pk])).content
    assert b"Which dose?" not in page
    assert not Notification.objects.filter(recipient=other_author).exists()


def test_the_reviewer_reads_their_thread_on_their_review_page(client, world):
    reviewer, other = world["people"]["reviewer"], world["people"]["other_reviewer"]
    for person, sees in ((reviewer, True), (other, False)):
        assignment = person.review_assignments.get()
        client.force_login(person)
        page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
        assert ("Your second point" in page) is sees
        for subject in ("Which dose?", "Before I sign", "Between us"):
            assert subject not in page


def test_the_board_thread_is_on_the_signing_page_for_independent_members(client, world):
    article = world["article"]
    client.force_login(world["people"]["board_member"])
    page = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "Before I sign" in page
    assert "Between us" not in page and "Which dose?" not in page
    # The member who stepped aside reads the signing page, not the thread.
    client.force_login(world["people"]["stepped_aside"])
    page = client.get(reverse("reviews:signoff", args=[article.pk])).content.decode()
    assert "Before I sign" not in page
    assert "No discussions you are in yet." in page


def test_a_reviewer_who_declined_is_not_in_a_thread(
    make_article, advance, editor, reviewer, second_reviewer
):
    article = advance(make_article(), "submit")
    _first, second = reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer, second_reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    thread = discussion_start(
        article=article, user=editor, audience=REVIEWER, reviewer=second_reviewer,
        subject="Can you do it sooner?", text="We are in a hurry.",
    )  # fmt: skip
    assert may_read_discussion(second_reviewer, thread)
    assert not may_read_discussion(reviewer, thread)
    invitation_decline(assignment=second, reviewer=second_reviewer, reason="Too busy.")
    assert not may_read_discussion(second_reviewer, thread)
    assert not Discussion.objects.visible_to(second_reviewer).exists()
    assert second_reviewer not in thread.participants()
    with pytest.raises(PermissionDenied):
        discussion_post(discussion=thread, user=second_reviewer, text="Sorry.")
    # Nor can an editor start a thread with them now.
    with pytest.raises(PermissionDenied, match="no open invitation"):
        discussion_start(
            article=article, user=editor, audience=REVIEWER, reviewer=second_reviewer,
            subject="Again?", text="Please reconsider.",
        )  # fmt: skip


# ---------------------------------------------------------------------------
# Who may start which thread


def test_each_person_starts_only_threads_they_are_in(world):
    article = world["article"]
    startable = {
        who: set(startable_audiences(person, article)) for who, person in world["people"].items()
    }
    # Like reading, but every reviewer of the article may start their own
    # thread with the editors (the other reviewer has none yet).
    assert startable == {**READS, "other_reviewer": {REVIEWER}}


def test_refused_starts_say_why(world):
    article, people = world["article"], world["people"]
    refusals = [
        (people["author"], EDITORS, None),
        (people["author"], REVIEWER, people["reviewer"]),
        (people["reviewer"], AUTHORS, None),
        (people["reviewer"], REVIEWER, people["other_reviewer"]),
        (people["board_member"], AUTHORS, None),
        (people["stepped_aside"], BOARD, None),
        (people["editor_author"], EDITORS, None),
        (people["stranger"], AUTHORS, None),
    ]
    for user, audience, reviewer in refusals:
        with pytest.raises(PermissionDenied):
            discussion_start(
                article=article, user=user, audience=audience, reviewer=reviewer,
                subject="Hello", text="May I?",
            )  # fmt: skip
    # A reviewer's own thread needs no choice: they are its reviewer.
    own = discussion_start(
        article=article, user=people["reviewer"], audience=REVIEWER,
        reviewer=people["reviewer"], subject="A question", text="Which guideline?",
    )  # fmt: skip
    assert own.reviewer == people["reviewer"]


def test_no_thread_before_the_editors_receive_the_draft(client, draft, author, editor):
    assert startable_audiences(author, draft) == []
    client.force_login(author)
    response = client.get(reverse("articles:discussion_new", args=[draft.pk]))
    assert response.status_code == 403
    assert "editors have not received this draft" in response.content.decode()
    client.force_login(editor)  # editors do not see drafts at all
    assert client.get(reverse("articles:discussion_new", args=[draft.pk])).status_code == 404


def test_the_start_page_offers_only_ones_audiences_and_the_rounds_reviewers(client, world):
    article = world["article"]
    url = reverse("articles:discussion_new", args=[article.pk])
    client.force_login(world["people"]["author"])
    page = client.get(url).content.decode()
    assert "Editors and authors" in page
    assert "Editors only" not in page and "one reviewer" not in page
    assert "Rita Quillfeather" not in page
    client.force_login(world["people"]["editor"])
    page = client.get(url).content.decode()
    for label in DiscussionAudience.labels:
        assert label in page
    assert "Rita Quillfeather" in page and str(world["people"]["other_reviewer"]) in page


def test_an_editor_starts_a_thread_with_a_reviewer_through_the_page(client, world):
    article, editor = world["article"], world["people"]["editor"]
    other = world["people"]["other_reviewer"]
    client.force_login(editor)
    response = client.post(
        reverse("articles:discussion_new", args=[article.pk]),
        {"audience": REVIEWER, "reviewer": other.pk, "subject": "Dose table", "text": "Why?"},
    )
    thread = Discussion.objects.get(subject="Dose table")
    assert response.status_code == 302 and response.url == thread.get_absolute_url()
    assert thread.reviewer == other and thread.audience == REVIEWER
    assert may_read_discussion(other, thread)
    assert not may_read_discussion(world["people"]["reviewer"], thread)


def test_starting_without_a_subject_keeps_the_text(client, world):
    client.force_login(world["people"]["author"])
    response = client.post(
        reverse("articles:discussion_new", args=[world["article"].pk]),
        {"audience": AUTHORS, "subject": "", "text": "My carefully written question."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the discussion a subject" in page
    assert "My carefully written question." in page


# ---------------------------------------------------------------------------
# Messages


def test_an_empty_message_is_refused_with_a_reason(client, world):
    thread = world["threads"][AUTHORS]
    client.force_login(world["people"]["author"])
    response = client.post(thread.get_absolute_url(), {"text": "   \n "})
    assert response.status_code == 400
    assert "Write your message before sending it." in response.content.decode()
    assert thread.messages.count() == 1
    with pytest.raises(ValidationError):
        discussion_post(discussion=thread, user=world["people"]["author"], text="")


def test_an_invalid_message_comes_back_intact(client, world):
    thread = world["threads"][AUTHORS]
    client.force_login(world["people"]["author"])
    text = "Please check this.\x07 It matters."
    response = client.post(thread.get_absolute_url(), {"text": text})
    assert response.status_code == 400
    assert "It matters." in response.content.decode()
    assert thread.messages.count() == 1


def test_messages_are_append_only(world):
    message = world["threads"][AUTHORS].messages.get()
    with pytest.raises(PermissionDenied, match="cannot be changed"):
        DiscussionMessage.objects.filter(pk=message.pk).update(text="Rewritten.")
    with pytest.raises(PermissionDenied, match="cannot be deleted"):
        DiscussionMessage.objects.all().delete()
    message.text = "Rewritten."
    with pytest.raises(PermissionDenied):
        message.save()
    with pytest.raises(PermissionDenied):
        message.delete()
    message.refresh_from_db()
    assert message.text == "Should we give the dose per kg?"


def test_each_message_is_tied_to_the_revision_current_when_written(
    client, make_article, advance, author, editor
):
    article = advance(make_article(), "submit", "start_review", "reviews", "request_changes")
    thread = discussion_start(
        article=article, user=editor, audience=AUTHORS,
        subject="Your revision", text="Please shorten the summary.",
    )  # fmt: skip
    article = advance(article, "edit")
    assert article.current_revision.number == 2
    reply = discussion_post(discussion=thread, user=author, text="Done in the new draft.")
    first = thread.messages.first()
    assert (first.revision.number, reply.revision.number) == (1, 2)
    client.force_login(author)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "about revision 1" in page and "about revision 2" in page


def test_the_thread_page_names_the_audience_and_renders_markdown(client, world):
    thread = world["threads"][AUTHORS]
    author = world["people"]["author"]
    discussion_post(discussion=thread, user=author, text="**Bold** and a [link](https://x.org)")
    client.force_login(author)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Editors and authors" in page
    assert "<strong>Bold</strong>" in page
    assert 'href="https://x.org"' in page


# ---------------------------------------------------------------------------
# Who is told


def _told(kind="discussion_message"):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.mark.parametrize(
    ("audience", "writer", "told"),
    [
        (AUTHORS, "author", {"coauthor", "edauthor", "editor"}),
        (AUTHORS, "editor", {"author", "coauthor", "edauthor"}),
        (REVIEWER, "reviewer", {"editor"}),
        (REVIEWER, "editor", {"reviewer"}),
        (BOARD, "editor", {"board"}),
        (BOARD, "board_member", {"editor"}),
        (EDITORS, "editor", set()),
    ],
)
def test_a_message_tells_exactly_the_others_in_the_thread(
    world, django_capture_on_commit_callbacks, audience, writer, told
):
    Notification.objects.all().delete()
    mail.outbox.clear()
    person = world["people"][writer]
    with django_capture_on_commit_callbacks(execute=True):
        discussion_post(discussion=world["threads"][audience], user=person, text="Secret words.")
    assert _told() == told
    recipients = {address for email in mail.outbox for address in email.to}
    expected = {world_person.email for world_person in world["people"].values()
                if world_person.username in told}  # fmt: skip
    assert recipients == expected
    assert all("Secret words." in email.body for email in mail.outbox)


def test_other_editors_hear_of_a_thread_once_they_write_in_it_and_a_rollback_tells_nobody(
    world, django_capture_on_commit_callbacks
):
    """The editor who started the review handles the article: like every
    hand-off, a message tells them, not every editor; another editor hears
    of the thread once they have written in it."""
    article, editor = world["article"], world["people"]["editor"]
    assert article.handling_editor == editor
    second_editor = UserFactory(username="editor2", roles=[Role.EDITOR])
    thread = world["threads"][EDITORS]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        discussion_post(discussion=thread, user=editor, text="Anyone?")
    assert _told() == set()  # only the handling editor is in charge, and they wrote it
    with django_capture_on_commit_callbacks(execute=True):
        discussion_post(discussion=thread, user=second_editor, text="Yes, me.")
    assert _told() == {editor.username}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        discussion_post(discussion=thread, user=editor, text="Thanks.")
    assert _told() == {second_editor.username}
    Notification.objects.all().delete()
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        discussion_post(discussion=thread, user=second_editor, text=" ")
    assert _told() == set() and mail.outbox == []


# ---------------------------------------------------------------------------
# Reviewer anonymity, and the record


def test_authors_never_learn_of_a_reviewers_thread_or_name(
    client, world, django_capture_on_commit_callbacks
):
    reviewer = world["people"]["reviewer"]
    with django_capture_on_commit_callbacks(execute=True):
        discussion_post(
            discussion=world["threads"][REVIEWER], user=reviewer, text="The trial was small."
        )
    article = world["article"]
    for who in ("author", "co_author", "editor_author"):
        person = world["people"][who]
        client.force_login(person)
        pages = [
            client.get(reverse("articles:workspace", args=[article.pk])).content.decode(),
            client.get(world["threads"][AUTHORS].get_absolute_url()).content.decode(),
        ]
        for page in pages:
            assert "Rita Quillfeather" not in page, who
            assert "Your second point" not in page and "The trial was small." not in page
            assert "Before I sign" not in page and "Between us" not in page
        told = Notification.objects.filter(recipient=person)
        assert not told.filter(body__contains="trial").exists()
        assert not told.filter(subject__contains="Your second point").exists()
        assert not any(
            "Rita Quillfeather" in email.body for email in mail.outbox if person.email in email.to
        )


def test_the_editor_sees_the_reviewers_name_in_their_thread(client, world):
    client.force_login(world["people"]["editor"])
    page = client.get(world["threads"][REVIEWER].get_absolute_url()).content.decode()
    assert "Rita Quillfeather" in page
    assert "Eve Editor (Editor)" in page


def test_audit_entries_hold_no_thread_content(world):
    article = world["article"]
    entries = AuditEntry.objects.filter(article=article, action__contains="discussion")
    assert entries.count() == 4
    for entry in entries:
        for secret in ("dose", "trial", "warning", "pharmacist", "Between us", "Before I sign"):
            assert secret not in entry.comment
    # Authors see their own thread's entry, never the others'.
    for who in ("author", "editor_author"):
        seen = AuditEntry.objects.visible_to(world["people"][who]).filter(
            article=article, action__contains="discussion"
        )
        assert list(seen.values_list("action", flat=True)) == ["discussion_started"]


def test_the_unread_count_follows_reading(client, world):
    article, author = world["article"], world["people"]["author"]
    editor = world["people"]["editor"]
    thread = world["threads"][AUTHORS]
    discussion_post(discussion=thread, user=editor, text="Yes, per kg.")
    client.force_login(author)
    workspace = reverse("articles:workspace", args=[article.pk])
    assert re.search(r"1 new", client.get(workspace).content.decode())
    client.get(thread.get_absolute_url())
    assert "new</span>" not in client.get(workspace).content.decode()
