import os

import pytest
import respx
from hypothesis import settings as hypothesis_settings

from accounts.models import Role
from articles.models import Article, EditorialPolicy
from articles.services import article_create, revision_save_draft
from articles.sources import http as sources_http
from reviews.services import board_signoff_record

from .factories import (
    DECISIONS_AFTER_REVIEW,
    PASSWORD,
    UserFactory,
    reference,
    submit_required_reviews,
)

# CI replays the same examples every run, so a landing is never decided by a
# random draw; local runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness buys nothing in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered pages are cached by revision id; ids repeat between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return UserFactory(username="author", display_name="Ada Author", roles=[Role.AUTHOR])


@pytest.fixture
def other_author(db):
    return UserFactory(username="otherauthor", roles=[Role.AUTHOR])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", display_name="Eve Editor", roles=[Role.EDITOR])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", roles=[Role.REVIEWER])


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", roles=[Role.REVIEWER])


@pytest.fixture
def board_member(db):
    return UserFactory(
        username="board", display_name="Bo Board", credentials="MD", roles=[Role.BOARD]
    )


@pytest.fixture
def second_board_member(db):
    return UserFactory(username="board2", display_name="Bea Board", roles=[Role.BOARD])


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def people(author, other_author, editor, reviewer, board_member, stranger):
    """Every role, by the name the permission tables use."""
    return {
        "author": author,
        "other_author": other_author,
        "editor": editor,
        "reviewer": reviewer,
        "board_member": board_member,
        "stranger": stranger,
    }


@pytest.fixture
def policy(db):
    return EditorialPolicy.current()


@pytest.fixture
def make_article(author):
    def make(*, by=None, title="Can drug X cause symptom Y?", references=1, **content):
        return article_create(
            author=by or author,
            title=title,
            primary_audience=content.pop("primary_audience", "patient"),
            summary=content.pop("summary", "Yes, sometimes."),
            body=content.pop("body", "## Why\n\nBecause of a mechanism [1]."),
            references=[reference(n) for n in range(1, references + 1)],
        )

    return make


@pytest.fixture
def draft(make_article):
    return make_article()


@pytest.fixture
def advance(request, author, editor, board_member, second_board_member):
    """Move an article along the happy path by the usual people. Before a
    decision after review (and at the step "reviews"), the reviewer fixtures
    submit the reviews the policy asks for, through the real services."""
    actors = {
        "submit": author,
        "resubmit": author,
        "start_review": editor,
        "request_changes": editor,
        "send_to_board": editor,
        "reject": editor,
        "desk_reject": editor,
        "withdraw": author,
    }

    def go(article: Article, *steps: str) -> Article:
        for step in steps:
            if step == "edit":
                revision_save_draft(
                    article=article,
                    author=author,
                    seen_hash=article.current_revision.content_hash,
                    title=article.title,
                    primary_audience="patient",
                    summary="Yes, sometimes (revised).",
                    body="## Why\n\nRevised after review [1].",
                    references=[reference(1)],
                )
                article.refresh_from_db()
            elif step == "reviews" or (
                step in DECISIONS_AFTER_REVIEW and article.state == "under_review"
            ):
                article = submit_required_reviews(
                    article,
                    editor=editor,
                    reviewers=[
                        request.getfixturevalue("reviewer"),
                        request.getfixturevalue("second_reviewer"),
                    ],
                )
                if step != "reviews":
                    article = article.fire(step, by=actors[step], comment="Noted.")
            elif step == "sign":
                article = board_signoff_record(
                    article=article, member=board_member, password=PASSWORD
                )
            elif step == "sign2":
                article = board_signoff_record(
                    article=article, member=second_board_member, password=PASSWORD
                )
            else:
                article = article.fire(step, by=actors[step], comment="Noted.")
        return article

    return go


@pytest.fixture
def publish(advance, author):
    """Write `article`'s draft (as the author, through the real service) and
    take it through review to a board signature: an approved page."""

    def go(
        article: Article,
        *,
        body: str,
        references,
        summary: str = "Yes, in some people.",
        primary_audience: str = "patient",
        audience_versions: dict | None = None,
    ) -> Article:
        revision_save_draft(
            article=article,
            author=author,
            seen_hash=article.current_revision.content_hash,
            title=article.title,
            primary_audience=primary_audience,
            summary=summary,
            body=body,
            references=references,
            audience_versions=audience_versions or {},
        )
        article.refresh_from_db()
        return advance(article, "submit", "start_review", "send_to_board", "sign")

    return go


@pytest.fixture(autouse=True)
def _no_network():
    """Every outbound httpx request must be answered by a recorded response
    (tests/sources.py): anything else fails the test at once."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


@pytest.fixture
def respx_mock(_no_network):
    return _no_network


@pytest.fixture(autouse=True)
def pauses(monkeypatch):
    """The pauses the lookup client would have slept between retries (it
    does not sleep in tests)."""
    slept = []
    monkeypatch.setattr(sources_http, "sleep", slept.append)
    return slept


@pytest.fixture
def lookups(settings, respx_mock):
    """Reference lookups switched on (off by default in tests), answered only
    by the cassettes a test replays: `replay(lookups, "pubmed_match")`."""
    settings.REFERENCE_LOOKUPS = True
    settings.REFERENCE_LOOKUP_CONTACT = "tests@example.org"
    return respx_mock
