"""`manage.py load_demo` gives a newcomer something real to click through."""

import datetime
import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role, User
from articles.models import (
    Article,
    ArticleNotice,
    ArticleState,
    AuditEntry,
    EditorialPolicy,
    NoticeKind,
    ReaderQuestion,
    Reference,
    Revision,
)
from demo.content import BORTEZOMIB, PASSWORD
from reader.models import PublicArticle
from reviews.models import BoardSignoff, Review, ReviewRound

LEVELS = ("patient", "student", "professional")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_archive(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it is some twenty articles'
    histories) in a transaction rolled back when the module is done."""
    fast = override_settings(PASSWORD_HASHERS=FAST_HASHERS)  # as tests/conftest.py
    with fast, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_archive, db):
    """Each test runs in its own savepoint inside the module's transaction."""


def test_demo_has_an_account_for_every_role_and_two_board_members(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    board = User.objects.filter(groups__name=Role.BOARD)
    assert board.count() >= 2
    assert all(member.check_password(PASSWORD) for member in board)


def test_demo_articles_cover_every_workflow_state(demo):
    states = set(Article.objects.values_list("state", flat=True))
    assert states == set(ArticleState.values)
    assert EditorialPolicy.current().board_quorum == 2
    # Under review with some reviews in, and in board review with one signature.
    assert Review.objects.filter(
        assignment__round__article__state=ArticleState.UNDER_REVIEW,
        assignment__round__closed_at__isnull=True,
    ).exists()
    assert any(
        article.current_revision.signoffs.count() == 1
        for article in Article.objects.filter(state=ArticleState.BOARD_REVIEW)
    )
    # Reader messages: some answered, some waiting.
    assert ReaderQuestion.objects.filter(handled_at__isnull=False).exclude(answer="").exists()
    assert ReaderQuestion.objects.filter(handled_at__isnull=True).exists()


def test_demo_is_an_archive_of_many_articles_readers_can_find(demo):
    assert Article.objects.count() >= 18
    readable = PublicArticle.objects.public(EditorialPolicy.current())
    assert readable.count() >= 12
    assert PublicArticle.objects.approved().count() >= 8


def test_demo_history_spreads_over_months_and_nothing_happens_in_the_future(demo):
    now = timezone.now()
    span = AuditEntry.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > datetime.timedelta(days=60)
    assert span["last"] <= now
    # Approvals, rounds and signatures happened on many different days.
    approval_days = {
        entry.created_at.date() for entry in AuditEntry.objects.filter(action="approve")
    }
    assert len(approval_days) >= 8
    round_days = {r.opened_at.date() for r in ReviewRound.objects.all()}
    assert len(round_days) >= 10
    signed_days = {s.signed_at.date() for s in BoardSignoff.objects.all()}
    assert len(signed_days) >= 8 and max(signed_days) <= now.date()
    # Each article's own record runs forward in time.
    for article in Article.objects.all():
        times = list(article.audit_entries.order_by("pk").values_list("created_at", flat=True))
        assert times == sorted(times), article.slug


def test_demo_approved_article_is_signed_by_two_board_members(demo):
    article = Article.objects.get(slug=BORTEZOMIB["slug"])
    assert article.state == ArticleState.APPROVED
    revision = article.published_revision
    assert "neuropathy" in article.title.lower()
    assert revision.references.count() == 5
    assert revision.signoffs.count() == 2
    assert all(s.is_valid for s in revision.signoffs.all())
    # Every state change in the demo went through the workflow and was audited.
    assert AuditEntry.objects.filter(article=article, action="approve").count() == 1


RECORDS = (User, Article, Revision, AuditEntry, ReviewRound, Review, BoardSignoff, ReaderQuestion)


def test_load_demo_is_idempotent(demo):
    counts = [model.objects.count() for model in RECORDS] + [ArticleNotice.objects.count()]
    passwords = list(User.objects.order_by("pk").values_list("password", flat=True))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert [model.objects.count() for model in RECORDS] + [ArticleNotice.objects.count()] == counts
    assert list(User.objects.order_by("pk").values_list("password", flat=True)) == passwords
    assert "0 new articles" in out.getvalue()
    assert "Nothing new" in out.getvalue()


def test_demo_accounts_sign_in_with_the_demo_password(demo, client):
    response = client.post("/accounts/login/", {"username": "board", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200
    refused = client.post("/accounts/login/", {"username": "author", "password": "wrong"})
    assert refused.status_code == 200  # the form again, with its error


def test_demo_has_an_update_a_correction_and_a_retraction_readers_see(demo, client):
    updated = Article.objects.get(notices__kind=NoticeKind.UPDATE)
    approved = updated.revisions.filter(approved_at__isnull=False).order_by("number")
    assert approved.count() == 2
    statement = approved.last().change_summary
    assert statement
    history = client.get(f"/articles/{updated.slug}/history/")
    assert history.status_code == 200
    assert escape(statement) in history.content.decode()
    assert "Version 2" in history.content.decode() or "version 2" in history.content.decode()

    correction = ArticleNotice.objects.get(kind=NoticeKind.CORRECTION)
    page = client.get(f"/articles/{correction.article.slug}/")
    assert page.status_code == 200
    assert escape(correction.reason) in page.content.decode()

    retraction = ArticleNotice.objects.get(kind=NoticeKind.RETRACTION)
    assert retraction.article.state == ArticleState.RETRACTED
    page = client.get(f"/articles/{retraction.article.slug}/")
    assert page.status_code == 200
    assert escape(retraction.reason) in page.content.decode()
    assert "Retracted" in page.content.decode()


def test_office_dashboard_medians_are_not_zero_on_the_demo(demo, client):
    client.force_login(User.objects.get(username="editor"))
    response = client.get("/office/")
    assert response.status_code == 200
    durations = response.context["durations"]
    assert {"submitted", "under_review", "changes_requested", "board_review"} <= set(durations)
    assert all(row["median"] > 0 for row in durations.values()), durations
    # And the medians differ: the stays were not all of one length.
    assert len({row["median"] for row in durations.values()}) > 1


def test_demo_logins_prints_every_account_and_the_password(demo):
    out = StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert PASSWORD in text
    for username in ("editor", "author", "reviewer", "board", "board2", "admin"):
        assert f"  {username} " in text


def _screenshots_module():
    path = Path(__file__).resolve().parent.parent / "docs" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_screenshots_finds_every_page_it_pictures_in_the_demo(demo, client):
    shots = _screenshots_module().shots()
    names = {shot.name for shot in shots}
    assert names == {
        *(f"reader-{level}-{device}" for level in LEVELS for device in ("desktop", "phone")),
        "author-workspace",
        "editor-queue",
        "round-decision",
        "board-signing",
        "office-dashboard",
    }
    for shot in shots:
        client.logout()
        if shot.who:
            client.force_login(User.objects.get(username=shot.who))
        response = client.get(shot.path)
        assert response.status_code == 200, (shot.name, shot.path)
    # The decision page is of a round with every review in.
    (decision,) = [shot for shot in shots if shot.name == "round-decision"]
    client.force_login(User.objects.get(username="editor"))
    assert "Round 2" in client.get(decision.path).content.decode()


def test_demo_flags_the_published_article_that_cites_a_retracted_study(demo, client):
    from articles.models import AuditEntry, SourceAlert

    alert = SourceAlert.objects.get(kind="retraction")
    article = alert.article
    assert article.slug == "how-is-hydroxychloroquine-eye-damage-monitored"
    assert alert.reference.pmid == "32450107" and alert.is_open
    assert alert.notice_date == datetime.date(2020, 6, 5)
    assert AuditEntry.objects.filter(article=article, action="source_alert_raised").exists()
    # The demo's policy brings the review forward: due the day the watch ran.
    assert article.next_review_due < timezone.localdate()
    page = client.get(f"/articles/{article.slug}/").content.decode()
    assert "This study was retracted on 5 June 2020." in page
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert SourceAlert.objects.count() == 2  # the retraction and the concern, once


def test_demo_references_are_graded_and_one_grade_is_questioned(demo, client):
    # Every reference of every submitted revision has a type of study (required to submit).
    assert not Reference.objects.filter(
        revision__submitted_at__isnull=False, study_type=""
    ).exists()
    assert set(Reference.objects.values_list("study_type", flat=True)) >= {
        "systematic_review", "randomised_trial", "cohort", "case_report", "guideline", "other",
    }  # fmt: skip
    article = Article.objects.get(slug="is-it-safe-to-take-ibuprofen-with-an-ace-inhibitor")
    client.force_login(User.objects.get(username="author2"))
    edit = client.get(f"/desk/articles/{article.pk}/edit/").content.decode()
    assert "Evidence grades questioned:" in edit
    assert "nested case-control study" in edit
