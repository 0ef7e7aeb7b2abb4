"""`manage.py load_demo` gives a newcomer something real to click through."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from articles.models import Article, ArticleState, AuditEntry, EditorialPolicy
from demo.content import PASSWORD


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_demo_has_an_account_for_every_role_and_two_board_members(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    board = User.objects.filter(groups__name=Role.BOARD)
    assert board.count() >= 2
    assert all(member.check_password(PASSWORD) for member in board)


def test_demo_articles_cover_the_workflow(demo):
    states = set(Article.objects.values_list("state", flat=True))
    assert {
        ArticleState.DRAFT,
        ArticleState.SUBMITTED,
        ArticleState.UNDER_REVIEW,
        ArticleState.CHANGES_REQUESTED,
        ArticleState.BOARD_REVIEW,
        ArticleState.APPROVED,
    } <= states
    assert EditorialPolicy.current().board_quorum == 2


def test_demo_approved_article_is_signed_by_two_board_members(demo):
    article = Article.objects.get(state=ArticleState.APPROVED)
    revision = article.published_revision
    assert "neuropathy" in article.title.lower()
    assert revision.references.count() == 5
    assert revision.signoffs.count() == 2
    assert all(s.is_valid for s in revision.signoffs.all())
    # Every state change in the demo went through the workflow and was audited.
    assert AuditEntry.objects.filter(article=article, action="approve").count() == 1


def test_load_demo_is_idempotent(demo):
    counts = (User.objects.count(), Article.objects.count(), AuditEntry.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (User.objects.count(), Article.objects.count(), AuditEntry.objects.count()) == counts
    assert "0 new articles" in out.getvalue()


def test_demo_logins_prints_every_account_and_the_password(demo):
    out = StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert PASSWORD in text
    for username in ("editor", "author", "reviewer", "board", "board2", "admin"):
        assert f"  {username} " in text
