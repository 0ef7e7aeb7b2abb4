"""Two people acting at once never lose data and never double-apply.

These run on real connections in separate threads. Row locks only exist on
PostgreSQL; on SQLite the same guarantees come from the state check inside
the write, covered in test_workflow.py.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from articles.models import Article, ArticleChanged, ArticleState, AuditEntry
from reviews.models import BoardSignoff
from reviews.services import board_signoff_record

from ..factories import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # the outcome is what the test asserts
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_editors_deciding_at_once_one_wins_the_other_is_told(draft, advance, editor):
    article = advance(draft, "submit")
    holding = threading.Event()
    release = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=article.pk)
            holding.set()
            release.wait(5)
            return locked.fire("start_review", by=editor, seen_state=ArticleState.SUBMITTED)

    def second():
        holding.wait(5)
        return Article.objects.get(pk=article.pk).fire(
            "desk_reject", by=editor, comment="Out of scope", seen_state=ArticleState.SUBMITTED
        )

    threads = [_in_thread(first, results, "first")]
    holding.wait(5)
    threads.append(_in_thread(second, results, "second"))
    # The second action is now blocked on the row lock the first one holds.
    threading.Event().wait(0.3)
    release.set()
    for thread in threads:
        thread.join(10)

    assert isinstance(results["first"], Article)
    assert isinstance(results["second"], ArticleChanged)
    assert "changed by someone else" in str(results["second"])
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    assert list(AuditEntry.objects.filter(article=article).values_list("action", flat=True)) == [
        "submit",
        "start_review",
    ]


def test_two_board_members_signing_at_once_are_both_recorded_and_approve_once(
    draft, advance, board_member, second_board_member, policy
):
    policy.board_quorum = 2
    policy.save()
    article = advance(draft, "submit", "start_review", "send_to_board")
    start = threading.Barrier(2)
    results = {}

    def sign(member):
        def go():
            start.wait(5)
            return board_signoff_record(article=article, member=member, password=PASSWORD)

        return go

    threads = [
        _in_thread(sign(board_member), results, "a"),
        _in_thread(sign(second_board_member), results, "b"),
    ]
    for thread in threads:
        thread.join(10)

    assert all(isinstance(result, Article) for result in results.values()), results
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert BoardSignoff.objects.filter(revision=article.current_revision).count() == 2
    assert AuditEntry.objects.filter(article=article, action="approve").count() == 1
    assert AuditEntry.objects.filter(article=article, action="sign_off").count() == 2


def test_last_two_reviews_submitted_at_once_close_the_round(draft, advance, editor, reviewer):
    import datetime

    from django.utils import timezone

    from accounts.models import Role
    from reviews.models import ReviewRound
    from reviews.services import invitation_accept, review_save, reviewers_invite

    from ..factories import UserFactory

    other = UserFactory(username="other", roles=[Role.REVIEWER])
    article = advance(draft, "submit")
    assignments = reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer, other],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    for assignment in assignments:
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
    start = threading.Barrier(2)
    results = {}

    def submit(assignment):
        def go():
            start.wait(5)
            return review_save(
                assignment=assignment,
                reviewer=assignment.reviewer,
                submit=True,
                data={"recommendation": "approve", "comments_to_author": "Fine."},
            )

        return go

    threads = [_in_thread(submit(a), results, a.pk) for a in assignments]
    for thread in threads:
        thread.join(10)

    assert not any(isinstance(r, Exception) for r in results.values()), results
    assert ReviewRound.objects.get(article=article).closed_at is not None


def test_author_withdrawing_while_the_editor_decides_applies_one_of_them(
    draft, advance, author, editor
):
    from articles.models import TransitionRefused

    article = advance(draft, "submit")
    start = threading.Barrier(2)
    results = {}

    def act(name, person, comment):
        def go():
            start.wait(5)
            return Article.objects.get(pk=article.pk).fire(
                name, by=person, comment=comment, seen_state=ArticleState.SUBMITTED
            )

        return go

    threads = [
        _in_thread(act("withdraw", author, "Found a better source."), results, "author"),
        _in_thread(act("desk_reject", editor, "Out of scope."), results, "editor"),
    ]
    for thread in threads:
        thread.join(10)

    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["Article", "ArticleChanged"], results
    loser = next(r for r in results.values() if not isinstance(r, Article))
    assert "changed by someone else" in str(loser)
    assert not isinstance(loser, TransitionRefused)
    decisions = AuditEntry.objects.filter(article=article, action__in=["withdraw", "desk_reject"])
    assert decisions.count() == 1


def test_two_reminder_runs_at_once_send_each_reminder_once(draft, advance, editor, reviewer):
    import datetime

    from django.core import mail
    from django.utils import timezone

    from reviews.reminders import send_due_reminders
    from reviews.services import reviewers_invite

    article = advance(draft, "submit")
    reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    mail.outbox = []
    start = threading.Barrier(2)
    results = {}

    def run():
        start.wait(5)
        return send_due_reminders(timezone.localdate())

    threads = [_in_thread(run, results, n) for n in range(2)]
    for thread in threads:
        thread.join(10)
    assert sorted(len(sent) for sent in results.values()) == [0, 1]
    assert len(mail.outbox) == 1


def test_two_articles_with_one_title_started_at_once_both_get_an_address(author, other_author):
    from articles.services import article_create

    from ..factories import reference

    # Both check that the slug is free, then both insert it.
    both_checked = threading.Barrier(2)
    table = connection.ops.quote_name(Article._meta.db_table)
    results = {}

    def start(person):
        first_insert = [True]

        def insert_together(execute, sql, params, many, context):
            if first_insert[0] and sql.startswith(f"INSERT INTO {table}"):
                first_insert[0] = False
                both_checked.wait(5)
            return execute(sql, params, many, context)

        def go():
            with connections["default"].execute_wrapper(insert_together):
                return article_create(
                    author=person, title="Same title?", primary_audience="patient",
                    summary="S.", body="B [1].", references=[reference(1)],
                )  # fmt: skip

        return go

    threads = [
        _in_thread(start(author), results, "author"),
        _in_thread(start(other_author), results, "other"),
    ]
    for thread in threads:
        thread.join(10)

    assert all(isinstance(result, Article) for result in results.values()), results
    slugs = sorted(Article.objects.filter(title="Same title?").values_list("slug", flat=True))
    assert slugs == ["same-title", "same-title-2"]
