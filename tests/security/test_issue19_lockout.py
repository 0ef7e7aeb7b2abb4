"""Issue 19, item 1 (review finding 5): wrong passwords are counted per
account from one address, per account across addresses and per address
across accounts, so neither password spraying nor one stranger's guesses
can shut a board member out, and a success clears only its own failures."""

from django.test import Client
from django.urls import reverse

from reviews.models import BoardSignoff

from ..factories import CONFIRM_ALL, PASSWORD, UserFactory

ACCOUNT_PAUSED = "Sign-in is paused for this account"
ADDRESS_PAUSED = "Sign-in from your network is paused"
ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(client, identifier, password):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": password})


def _signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _sign(client, article, password=PASSWORD):
    return client.post(
        reverse("reviews:signoff", args=[article.pk]),
        {
            "password": password,
            **CONFIRM_ALL,
        },
    )


# -- the original attack: one's own success clears nobody else's failures ---


def test_guesses_between_sign_ins_to_ones_own_account_still_lock_the_victim(author, stranger):
    attacker = _from(ATTACKER)
    for _ in range(4):
        for _ in range(4):
            _sign_in(attacker, "author", "guess")
        assert _sign_in(attacker, "stranger", PASSWORD).status_code == 302
        attacker.post(reverse("accounts:logout"))
    response = _sign_in(attacker, "author", PASSWORD)
    assert ACCOUNT_PAUSED in response.content.decode()
    assert not _signed_in_as(attacker, author)


def test_ones_own_success_does_not_lift_the_count_of_guesses_at_other_accounts(db, stranger):
    attacker = _from(ATTACKER)
    for n in range(29):
        _sign_in(attacker, UserFactory(username=f"sprayed{n}").username, "Summer2026!")
    assert _sign_in(attacker, "stranger", PASSWORD).status_code == 302
    attacker.post(reverse("accounts:logout"))
    _sign_in(attacker, UserFactory(username="sprayed29").username, "Summer2026!")
    response = _sign_in(attacker, "stranger", PASSWORD)
    assert ADDRESS_PAUSED in response.content.decode()
    assert not _signed_in_as(attacker, stranger)


# -- password spraying: one guess at many accounts from one address ---------


def test_one_guess_at_each_of_thirty_accounts_pauses_sign_in_from_that_address(author, stranger):
    colleague = _from(ATTACKER)
    colleague.force_login(stranger)  # signed in there before the spraying
    attacker = _from(ATTACKER)
    for n in range(30):
        _sign_in(attacker, UserFactory(username=f"sprayed{n}").username, "Summer2026!")
    # Even the right password for an untouched account is not tried from there.
    response = _sign_in(attacker, "author", PASSWORD)
    assert response.status_code in {403, 429}
    assert ADDRESS_PAUSED in response.content.decode()
    assert not _signed_in_as(attacker, author)
    # Passwords typed again from there are not checked either.
    change = colleague.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-long-pass-2031",
            "new_password2": "Fresh-long-pass-2031",
        },
    )
    assert "changing the password is paused from it" in change.content.decode()
    # Everyone elsewhere, the sprayed accounts included, signs in as usual.
    assert _sign_in(_from(HOME), "author", PASSWORD).status_code == 302
    assert _sign_in(_from(HOME), "sprayed0", PASSWORD).status_code == 302


def test_a_few_typos_at_a_shared_address_pause_nobody(author, other_author, reviewer, stranger):
    hospital = _from(HOME)
    for person in ("author", "otherauthor", "reviewer"):
        for _ in range(4):
            _sign_in(hospital, person, "typo")
    assert _sign_in(hospital, "stranger", PASSWORD).status_code == 302


# -- a stranger's guesses do not shut a board member out ---------------------


def test_a_member_guessed_at_from_elsewhere_still_signs_in_and_signs_from_home(
    make_article, advance, editor, reviewer, board_member
):
    article = advance(make_article(), "submit", "start_review", "send_to_board")
    attacker = _from(ATTACKER)
    for _ in range(40):
        _sign_in(attacker, board_member.email, "guess")
    refused = _sign_in(attacker, "board", PASSWORD).content.decode()
    assert ACCOUNT_PAUSED in refused
    assert "from here for an hour" in refused

    member = _from(HOME)
    assert _sign_in(member, "board", PASSWORD).status_code == 302
    assert _signed_in_as(member, board_member)
    assert _sign(member, article).status_code == 302
    assert BoardSignoff.objects.filter(signer=board_member).exists()


def test_wrong_signature_passwords_at_home_lock_signing_at_home_only(
    make_article, advance, editor, reviewer, board_member
):
    article = advance(make_article(), "submit", "start_review", "send_to_board")
    home, clinic = _from(HOME), _from("192.0.2.44")
    for device in (home, clinic):  # signed in on both before the guesses
        device.force_login(board_member)
    for _ in range(5):
        _sign(home, article, "guess")
    assert "signing is paused for this account" in _sign(home, article).content.decode()
    assert not BoardSignoff.objects.exists()
    assert _sign(clinic, article).status_code == 302
    assert BoardSignoff.objects.filter(signer=board_member).exists()


# -- distributed guessing: many addresses, one account ----------------------


def test_guesses_at_one_account_from_many_addresses_lock_it_everywhere_at_twenty(author):
    laptop = _from(HOME)
    laptop.force_login(author)  # signed in before the guesses began
    addresses = [f"192.0.2.{n}" for n in range(1, 6)]
    for address in addresses[:4]:
        for _ in range(4):
            _sign_in(_from(address), "author", "guess")
    # Sixteen guesses from four addresses: the account still works.
    assert _sign_in(_from(HOME), "author", PASSWORD).status_code == 302
    for _ in range(4):
        _sign_in(_from(addresses[4]), "author@example.org", "guess")
    # Twenty: paused everywhere, for sign-in, signing and password changes.
    home = _from(HOME)
    response = _sign_in(home, "author", PASSWORD)
    assert ACCOUNT_PAUSED in response.content.decode()
    assert "everywhere for an hour" in response.content.decode()
    assert not _signed_in_as(home, author)
    change = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-long-pass-2031",
            "new_password2": "Fresh-long-pass-2031",
        },
    )
    assert "changing the password is paused for this account" in change.content.decode()
    author.refresh_from_db()
    assert author.check_password(PASSWORD)


def test_an_editors_unlock_clears_every_count_of_the_account(author, editor):
    addresses = [f"192.0.2.{n}" for n in range(1, 6)]
    for address in addresses:
        for _ in range(5):
            _sign_in(_from(address), "author", "guess")
    assert ACCOUNT_PAUSED in _sign_in(_from(HOME), "author", PASSWORD).content.decode()
    desk = _from(HOME)
    desk.force_login(editor)
    page = desk.get(reverse("accounts:person", args=[author.pk])).content.decode()
    assert "Recent wrong passwords: 26" in page  # the refused right one counts too
    desk.post(reverse("accounts:person_unlock", args=[author.pk]))
    for address in (addresses[0], HOME):
        assert _sign_in(_from(address), "author", PASSWORD).status_code == 302
