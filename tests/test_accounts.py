"""Accounts, sign-up and the four roles."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User

from .factories import PASSWORD, UserFactory


def test_roles_exist_with_their_permissions(db):
    expected = {
        Role.AUTHOR: "write_articles",
        Role.EDITOR: "handle_articles",
        Role.REVIEWER: "review_articles",
        Role.BOARD: "sign_off_articles",
    }
    for role, codename in expected.items():
        group = Group.objects.get(name=role)
        assert group.permissions.filter(codename=codename).exists()


def test_a_person_may_hold_several_roles(db):
    user = UserFactory(roles=[Role.REVIEWER, Role.BOARD])
    assert user.has_perm("accounts.review_articles")
    assert user.has_perm("accounts.sign_off_articles")
    assert not user.has_perm("accounts.handle_articles")


def _sign_up_link(client, email, django_capture_on_commit_callbacks) -> str:
    # Sign-up starts with an emailed link (issue 19: no telling who is registered).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {"email": email})
    return mail.outbox[-1].body.split("http://127.0.0.1:8000")[1].split()[0]


def test_sign_up_creates_an_author_and_signs_them_in(
    client, db, django_capture_on_commit_callbacks
):
    response = client.post(
        _sign_up_link(client, "nia@example.org", django_capture_on_commit_callbacks),
        {
            "username": "newwriter",
            "display_name": "Nia Writer",
            "password1": "Plenty-long-pass-42",
            "password2": "Plenty-long-pass-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newwriter")
    assert list(user.groups.values_list("name", flat=True)) == [Role.AUTHOR]
    desk = client.get(reverse("articles:desk"))
    assert desk.status_code == 200
    assert "Signed in as Nia Writer" in desk.content.decode()


def test_sign_up_errors_keep_what_was_typed(client, db, django_capture_on_commit_callbacks):
    response = client.post(
        _sign_up_link(client, "nia@example.org", django_capture_on_commit_callbacks),
        {
            "username": "newwriter",
            "display_name": "Nia Writer",
            "password1": "short",
            "password2": "different",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "two password fields didn" in text
    assert 'value="Nia Writer"' in text
    assert not User.objects.filter(username="newwriter").exists()


def test_sign_in_and_out(client, author):
    response = client.post(reverse("accounts:login"), {"username": "author", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("articles:desk")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("articles:desk")).status_code == 302


def test_wrong_password_shows_an_error(client, author):
    response = client.post(reverse("accounts:login"), {"username": "author", "password": "nope"})
    assert response.status_code == 200
    assert "username or email and password do not match an account" in response.content.decode()


def test_password_change(client, author):
    client.force_login(author)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    author.refresh_from_db()
    assert author.check_password("Another-long-pass-77")


def test_public_name_includes_credentials(db):
    user = UserFactory(display_name="Grace Okafor", credentials="MD, PhD")
    assert user.name_with_credentials == "Grace Okafor, MD, PhD"


def test_editor_sees_roles_in_admin_but_changes_neither_them_nor_superuser_status(
    client, editor, other_author
):
    # Roles change on the audited People pages only (issue 19, item 7).
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    url = reverse("admin:accounts_user_change", args=[other_author.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Roles are changed on" in text
    assert 'name="groups"' not in text
    assert 'name="is_superuser"' not in text


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_non_editors_have_no_admin(client, people, role):
    client.force_login(people[role])
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302  # to the admin login: not staff
