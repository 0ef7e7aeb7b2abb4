"""The header offers each work page exactly to the people that page lets in:
the links and the pages ask the same rules (accounts/rules.py)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role, User

LINKS = {
    "Editorial queue": "office:queue",
    "Office": "office:dashboard",
    "Sign-off queue": "reviews:board_queue",
    "My reviews": "reviews:mine",
    "New article": "articles:create",
}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "pw-unused-1234")


@pytest.mark.parametrize(
    "who", ["author", "editor", "reviewer", "board_member", "stranger", "superuser"]
)
def test_header_links_exactly_the_pages_a_person_may_open(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    header = client.get(reverse("articles:desk")).content.decode()
    for label, name in LINKS.items():
        href = f'href="{reverse(name)}"'
        opens = client.get(reverse(name)).status_code == 200
        assert (href in header) is opens, (who, label, opens)


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
