"""Issue 19, items 13 and 16: sign-up refuses guessable passwords, does not
tell whether an email is registered, and a username taken at the same
moment by someone else is a form error, not a crash."""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from accounts.models import Role, User

from ..factories import UserFactory

SITE = "http://127.0.0.1:8000"


def _ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:signup"), {"email": email})


def _link(client, email, django_capture_on_commit_callbacks) -> str:
    _ask(client, email, django_capture_on_commit_callbacks)
    return mail.outbox[-1].body.split(SITE)[1].split()[0]


def _finish(
    client, link, *, password="Plenty-long-pass-42", username="newwriter", name="Nia Writer"
):
    return client.post(
        link,
        {"username": username, "display_name": name, "password1": password, "password2": password},
    )


# -- item 16: guessable passwords ---------------------------------------------


@pytest.mark.parametrize(
    "password", ["medical123", "Review-demo-2026", "Medical-Board-2027!", "password-review-1"]
)
def test_sign_up_refuses_passwords_made_of_words_about_the_site(
    client, db, django_capture_on_commit_callbacks, password
):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = _finish(client, link, password=password)
    assert response.status_code == 400
    assert "words about this site" in response.content.decode()
    assert not User.objects.filter(username="newwriter").exists()


def test_sign_up_refuses_a_password_like_the_public_name(
    client, db, django_capture_on_commit_callbacks
):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = _finish(client, link, name="Florence Nightingale", password="FlorenceNightingale")
    assert response.status_code == 400
    assert "too similar" in response.content.decode()
    assert not User.objects.filter(username="newwriter").exists()


def test_a_password_of_ones_own_words_is_accepted(client, db, django_capture_on_commit_callbacks):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = _finish(client, link, password="Quiet-lantern-orchard-8")
    assert response.status_code == 302
    assert User.objects.get(username="newwriter").email == "nia@example.org"


def test_the_password_change_form_refuses_site_words_too(client, author):
    from ..factories import PASSWORD

    client.force_login(author)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "medical123", "new_password2": "medical123"},
    )
    assert response.status_code == 200
    assert "words about this site" in response.content.decode()


# -- item 16: registered or not, the same answer --------------------------------


def test_sign_up_answers_the_same_whether_or_not_the_email_is_registered(
    client, author, django_capture_on_commit_callbacks
):
    registered = _ask(client, "Author@Example.org", django_capture_on_commit_callbacks)
    fresh = _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert registered.status_code == fresh.status_code == 200
    registered_text = registered.content.decode().replace("Author@Example.org", "EMAIL")
    fresh_text = fresh.content.decode().replace("nobody@example.org", "EMAIL")
    strip = lambda text: text.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(registered_text) == strip(fresh_text)
    assert "Check your email" in fresh_text
    # Each address gets a message; only the new one gets a sign-up link.
    to_author, to_nobody = mail.outbox
    assert to_author.to == [author.email]
    assert "already have an account" in to_author.body
    assert "/signup/" not in to_author.body
    assert to_nobody.to == ["nobody@example.org"]
    assert f"{SITE}/accounts/signup/" in to_nobody.body
    assert User.objects.count() == 1


def test_a_sign_up_link_creates_one_account_only(client, db, django_capture_on_commit_callbacks):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    assert _finish(client, link).status_code == 302
    client.post(reverse("accounts:logout"))
    again = client.get(link)
    assert again.status_code == 410
    assert "already has an account" in again.content.decode()
    assert _finish(client, link, username="second").status_code == 410
    assert User.objects.filter(email__iexact="nia@example.org").count() == 1


def test_a_tampered_sign_up_link_is_refused(client, db, django_capture_on_commit_callbacks):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 410
    assert not User.objects.exists()


# -- item 13: the same username at the same moment ------------------------------


class _RowLandsFirst:
    """Another sign-up's row lands between our validation and our insert:
    the moment a real race hits, reproduced at the database driver."""

    def __init__(self, username):
        self.username = username
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and sql.startswith(f'INSERT INTO "{User._meta.db_table}"'):
            self.fired = True
            UserFactory(username=self.username, email="quick@example.org")
        return execute(sql, params, many, context)


def test_a_username_taken_at_the_same_moment_is_a_form_error(
    client, db, django_capture_on_commit_callbacks
):
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    race = _RowLandsFirst("newwriter")
    with connection.execute_wrapper(race):
        response = _finish(client, link)
    assert race.fired
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone took this username a moment ago" in text
    assert 'value="Nia Writer"' in text
    assert not User.objects.filter(email="nia@example.org").exists()
    # Choosing another name then works.
    assert _finish(client, link, username="nia").status_code == 302
    assert User.objects.get(username="nia").has_role(Role.AUTHOR)


def test_a_username_taken_at_the_same_moment_on_an_invitation_is_a_form_error(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:people_invite"), {"email": "new@example.org", "role": Role.BOARD}
        )
    link = mail.outbox[-1].body.split(SITE)[1].split()[0]
    client.logout()
    race = _RowLandsFirst("newboard")
    with connection.execute_wrapper(race):
        response = client.post(
            link,
            {"username": "newboard", "display_name": "Nia New", "credentials": "MD",
             "specialty": "", "password1": "Long-enough-pass-1", "password2": "Long-enough-pass-1"},
        )  # fmt: skip
    assert race.fired
    assert response.status_code == 400
    assert "Someone took this username a moment ago" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_new_username_may_not_look_like_an_email(
    client, author, django_capture_on_commit_callbacks
):
    # Otherwise someone could register another person's email as a username
    # and stand in their way at the sign-in form.
    link = _link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = _finish(client, link, username="author@example.org")
    assert response.status_code == 400
    assert "without “@”" in response.content.decode()
    assert not User.objects.filter(username="author@example.org").exists()


# -- sign-up requests send email: they are rate limited ----------------------


def test_repeated_sign_up_requests_for_one_email_stop_sending_mail(
    client, db, django_capture_on_commit_callbacks
):
    for _ in range(3):
        assert (
            _ask(client, "target@example.org", django_capture_on_commit_callbacks).status_code
            == 200
        )
    response = _ask(client, "target@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "no email was sent" in response.content.decode()
    assert len(mail.outbox) == 3


def test_many_sign_up_requests_from_one_address_stop_sending_mail(
    client, db, django_capture_on_commit_callbacks
):
    for n in range(10):
        _ask(client, f"person{n}@example.org", django_capture_on_commit_callbacks)
    response = _ask(client, "one-more@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert len(mail.outbox) == 10


def test_writing_one_email_differently_does_not_escape_its_limit(
    client, db, django_capture_on_commit_callbacks
):
    for variant in ("target@example.org", "Target@Example.org", " TARGET@example.org "):
        assert _ask(client, variant, django_capture_on_commit_callbacks).status_code == 200
    response = _ask(client, "target@EXAMPLE.ORG\t", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "no email was sent" in response.content.decode()
    assert len(mail.outbox) == 3
