"""Wrong passwords, at sign-in or when signing, pause the account."""

import pytest
from django.urls import reverse

from reviews.models import BoardSignoff

from ..factories import CONFIRM_ALL, PASSWORD


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_a_clear_page(client, author):
    for _ in range(5):
        _sign_in(client, "author", "wrong")
    response = _sign_in(client, "author", PASSWORD)
    assert response.status_code in {403, 429}
    assert "Sign-in is paused for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_signature_passwords_count_and_lock_signing(client, draft, advance, board_member):
    article = advance(draft, "submit", "start_review", "send_to_board")
    client.force_login(board_member)
    url = reverse("reviews:signoff", args=[article.pk])
    for _ in range(5):
        client.post(
            url,
            {
                "password": "wrong",
                **CONFIRM_ALL,
            },
        )
    response = client.post(
        url,
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
        },
    )
    assert response.status_code == 400
    assert "signing is paused for this account" in response.content.decode()
    assert not BoardSignoff.objects.exists()


def test_an_editor_can_unlock_an_account(client, author, editor):
    for _ in range(5):
        _sign_in(client, "author", "wrong")
    client.force_login(editor)
    page = client.get(reverse("accounts:person", args=[author.pk])).content.decode()
    assert "Recent wrong passwords: 5" in page
    client.post(reverse("accounts:person_unlock", args=[author.pk]))
    client.logout()
    response = _sign_in(client, "author", PASSWORD)
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_only_editors_unlock(client, people, author, role):
    client.force_login(people[role])
    assert client.post(reverse("accounts:person_unlock", args=[author.pk])).status_code == 403
