"""Issue 19, items 1, 14 and 15: the password throttle counts per account,
whichever form asks for the password and whichever identifier was typed."""

from django.test import Client
from django.urls import reverse

from accounts.models import Role
from reviews.models import BoardSignoff

from ..factories import CONFIRM_ALL, PASSWORD, UserFactory

LOCK_PAGE = "Sign-in is paused for this account"


def _sign_in(client, identifier, password):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": password})


def _signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _sign_in_to_own_account_and_leave(attacker):
    own = Client()
    assert _sign_in(own, "stranger", PASSWORD).status_code == 302
    own.post(reverse("accounts:logout"))


# -- item 1: a success clears only its own account's failures -------------


def test_signing_in_to_ones_own_account_does_not_clear_a_victims_failures(client, author, stranger):
    for _ in range(4):  # 16 guesses, never five in a row for the victim
        for _ in range(4):
            _sign_in(client, "author", "guess")
        _sign_in_to_own_account_and_leave(stranger)
    response = _sign_in(client, "author", PASSWORD)
    assert LOCK_PAGE in response.content.decode()
    assert not _signed_in_as(client, author)


def test_a_success_still_clears_the_accounts_own_failures(client, author):
    for _ in range(4):
        _sign_in(client, "author", "typo")
    assert _sign_in(client, "author", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        _sign_in(client, "author", "typo")
    assert _sign_in(client, "author", PASSWORD).status_code == 302
    assert _signed_in_as(client, author)


def test_wrong_passwords_for_many_accounts_from_one_address_lock_none_of_the_others(
    client, author, other_author, reviewer, stranger
):
    # A hospital signs in through one shared address: colleagues' typos must
    # not lock everybody else out.
    for person in ("author", "otherauthor", "reviewer"):
        for _ in range(2):
            _sign_in(client, person, "typo")
    response = _sign_in(client, "stranger", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client, stranger)


def _sent_to_board(make_article, advance, editor, reviewer):
    # `advance` submits the reviews the policy asks for before the decision.
    return advance(make_article(), "submit", "start_review", "send_to_board")


def test_signing_in_to_another_account_does_not_clear_signature_failures(
    client, make_article, advance, editor, reviewer, board_member, stranger
):
    article = _sent_to_board(make_article, advance, editor, reviewer)
    client.force_login(board_member)
    url = reverse("reviews:signoff", args=[article.pk])
    for _ in range(4):
        for _ in range(4):
            client.post(
                url,
                {
                    "password": "guess",
                    **CONFIRM_ALL,
                },
            )
        _sign_in_to_own_account_and_leave(stranger)
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


# -- item 14: the password-change form is throttled like sign-in -----------


def _change_password(client, old):
    return client.post(
        reverse("accounts:password_change"),
        {
            "old_password": old,
            "new_password1": "Fresh-long-pass-2031",
            "new_password2": "Fresh-long-pass-2031",
        },
    )


def test_wrong_old_passwords_lock_the_account_and_the_form_says_so(client, author):
    client.force_login(author)
    for _ in range(5):
        _change_password(client, "guess")
    response = _change_password(client, PASSWORD)
    text = response.content.decode()
    assert "changing the password is paused for this account" in text
    author.refresh_from_db()
    assert not author.check_password("Fresh-long-pass-2031")
    # The same lock covers sign-in.
    other = Client()
    assert LOCK_PAGE in _sign_in(other, "author", PASSWORD).content.decode()


def test_sign_in_failures_count_toward_the_password_change_lock(client, author):
    client.force_login(author)  # signed in earlier, before somebody else's guesses
    for _ in range(5):
        _sign_in(Client(), "author", "guess")
    response = _change_password(client, PASSWORD)
    assert "changing the password is paused for this account" in response.content.decode()
    author.refresh_from_db()
    assert author.check_password(PASSWORD)


def test_a_wrong_old_password_is_refused_and_a_right_one_accepted(client, author):
    client.force_login(author)
    response = _change_password(client, "guess")
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    assert _change_password(client, PASSWORD).status_code == 302
    author.refresh_from_db()
    assert author.check_password("Fresh-long-pass-2031")


# -- item 15: no login names on public pages; sign-in by email -------------


def test_board_page_identifies_members_without_their_login_names(
    client, make_article, advance, editor, reviewer
):
    member = UserFactory(
        username="dr_private_login", display_name="Dana Doctor", roles=[Role.BOARD]
    )
    article = _sent_to_board(make_article, advance, editor, reviewer)
    client.force_login(member)
    client.post(
        reverse("reviews:signoff", args=[article.pk]),
        {
            "password": PASSWORD,
            **CONFIRM_ALL,
        },
    )
    client.logout()
    article.refresh_from_db()
    assert article.published_revision_id is not None
    board = client.get(reverse("reader:board")).content.decode()
    public = client.get(reverse("reader:public", args=[article.slug])).content.decode()
    assert "Dana Doctor" in board and "Dana Doctor" in public
    assert "dr_private_login" not in board
    assert "dr_private_login" not in public
    assert f'id="member-{member.pk}"' in board
    assert f'#member-{member.pk}"' in public


def test_members_sign_in_with_their_email_in_any_letter_case(client, author):
    response = _sign_in(client, "Author@EXAMPLE.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client, author)


def test_a_wrong_password_by_email_is_refused(client, author):
    response = _sign_in(client, "author@example.org", "guess")
    assert response.status_code == 200
    assert not _signed_in_as(client, author)


def test_guesses_by_email_and_by_login_name_count_toward_one_lock(client, author):
    for identifier in (
        "author",
        "author@example.org",
        "AUTHOR@example.org",
        "author",
        "Author@Example.org",
    ):
        _sign_in(client, identifier, "guess")
    for identifier in ("author", "author@example.org"):
        response = _sign_in(client, identifier, PASSWORD)
        assert LOCK_PAGE in response.content.decode()
        assert not _signed_in_as(client, author)
    # An editor's unlock lifts it for both.
    editor = UserFactory(roles=[Role.EDITOR])
    client.force_login(editor)
    page = client.get(reverse("accounts:person", args=[author.pk])).content.decode()
    assert "Recent wrong passwords: 7" in page  # the refused right ones count too
    client.post(reverse("accounts:person_unlock", args=[author.pk]))
    client.logout()
    assert _sign_in(client, "author@example.org", PASSWORD).status_code == 302


def test_the_sign_in_form_asks_for_a_login_name_or_email(client, db):
    assert "Username or email" in client.get(reverse("accounts:login")).content.decode()


def test_the_admin_password_form_leads_to_the_throttled_one(client, author):
    author.is_staff = True
    author.save()
    client.force_login(author)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-long-pass-2031",
            "new_password2": "Fresh-long-pass-2031",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    author.refresh_from_db()
    assert author.check_password(PASSWORD)  # nothing was checked or changed there


def test_a_wrong_password_says_login_name_or_email(client, author):
    text = _sign_in(client, "author@example.org", "guess").content.decode()
    assert "username or email" in text
    assert "correct username and password" not in text


def test_the_sign_in_field_takes_an_email_up_to_254_characters(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'maxlength="254"' in page
    assert 'maxlength="150"' not in page
    long_email = "a" * 64 + "@" + "b" * 180 + ".org"  # 249 characters
    account = UserFactory(username="longmail", email=long_email)
    response = _sign_in(client, long_email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client, account)
