"""The header offers each work page exactly to the people that page lets in:
the links and the pages ask the same rules (accounts/rules.py)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role, User
from articles.models import ReaderQuestion

LINKS = {
    "Editorial queue": "office:queue",
    "Reader questions": "office:questions",
    "Sign-off queue": "reviews:board_queue",
    "My reviews": "reviews:mine",
}
# Offered on the desk (the staff home) rather than in the header.
DESK_LINKS = {
    "Office": "office:dashboard",
    "Start a new article": "articles:create",
}


def _header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "pw-unused-1234")


@pytest.mark.parametrize(
    "who", ["author", "editor", "reviewer", "board_member", "stranger", "superuser"]
)
def test_header_links_exactly_the_pages_a_person_may_open(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    desk = client.get(reverse("articles:desk")).content.decode()
    header = _header(desk)
    for label, name in LINKS.items():
        href = f'href="{reverse(name)}"'
        opens = client.get(reverse(name)).status_code == 200
        assert (href in header) is opens, (who, label, opens)
    main = desk[desk.index("<main") :]
    for label, name in DESK_LINKS.items():
        href = f'href="{reverse(name)}"'
        opens = client.get(reverse(name)).status_code == 200
        assert (href in main) is opens, (who, label, opens)


def test_a_role_taken_away_takes_its_link_away(client, reviewer):
    client.force_login(reviewer)
    mine = f'href="{reverse("reviews:mine")}"'
    assert mine in client.get(reverse("articles:desk")).content.decode()
    reviewer.groups.remove(Group.objects.get(name=Role.REVIEWER))
    assert mine not in client.get(reverse("articles:desk")).content.decode()


def test_readers_get_no_work_links(client, db):
    page = client.get(reverse("reader:home")).content.decode()
    for name in LINKS.values():
        assert f'href="{reverse(name)}"' not in page


def test_the_header_counts_unanswered_reader_questions(client, editor, make_article, advance):
    article = advance(make_article(), "submit", "start_review", "send_to_board", "sign")
    client.force_login(editor)
    assert "unanswered" not in _header(client.get(reverse("reader:home")).content.decode())
    for n in range(2):
        ReaderQuestion.objects.create(
            article=article,
            revision=article.published_revision,
            audience="patient",
            question=f"Question {n}?",
        )
    header = _header(client.get(reverse("reader:home")).content.decode())
    assert re.search(r"Reader questions <span[^>]*>2<span[^>]*> unanswered</span>", header)


def test_every_page_has_a_search_box_that_works_without_javascript(client, editor):
    for person in (None, editor):
        if person:
            client.force_login(person)
        header = _header(client.get(reverse("reader:board")).content.decode())
        assert (
            f'<form class="site-search" method="get" action="{reverse("reader:search")}"' in header
        )
        assert (
            '<label class="visually-hidden" for="site-search-q">Search articles</label>' in header
        )
        assert 'id="site-search-q" name="q"' in header


def test_the_author_sign_up_is_offered_as_write_for_us_outside_the_main_navigation(client, author):
    page = client.get(reverse("reader:home")).content.decode()
    signup = f'href="{reverse("accounts:signup")}"'
    assert signup not in _header(page)
    footer = page[page.index("<footer") :]
    assert f"{signup}>Write for us</a>" in footer
    assert "Sign up" not in page
    form = client.get(reverse("accounts:signup")).content.decode()
    assert "<title>Write for us · Medical Review</title>" in form
    assert "This account is for authors" in form and "You do not need one to read" in form
    client.force_login(author)
    assert signup not in client.get(reverse("reader:home")).content.decode()
