"""Review of issue 19: one email belongs to one account, whichever way the
account was made; names and other one-line fields refuse line breaks
everywhere they are typed; the admin's user form checks what our own forms
check; staff and superuser status changes are recorded."""

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from accounts.models import Invitation, ProfileChange, Role, User
from accounts.validators import (
    refuse_control_characters,
    refuse_control_characters_and_line_breaks,
)
from reviews.models import BoardSignoff

from ..factories import UserFactory
from .test_issue19_people import _admin_form_data

SITE = "http://127.0.0.1:8000"
SPOOFED_NAME = "Dr Real\r\nSigned by: Dr Fake"
NEW_PASSWORD = "Quiet-lantern-orchard-8"


def _sign_up_link(client, email, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {"email": email})
    return mail.outbox[-1].body.split(SITE)[1].split()[0]


def _invitation_link(client, editor, email, django_capture_on_commit_callbacks) -> str:
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:people_invite"), {"email": email, "role": Role.REVIEWER})
    client.logout()
    return mail.outbox[-1].body.split(SITE)[1].split()[0]


def _join(client, link, *, username, name="Nia New", password=NEW_PASSWORD):
    return client.post(
        link,
        {"username": username, "display_name": name, "credentials": "", "specialty": "",
         "password1": password, "password2": password},
    )  # fmt: skip


def _signs_in(client, identifier, password) -> bool:
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": identifier, "password": password}
    )
    return response.status_code == 302


# -- one email, one account -----------------------------------------------------


def test_an_invitation_to_an_email_that_signed_up_since_makes_no_second_account(
    client, editor, django_capture_on_commit_callbacks
):
    invitation = _invitation_link(
        client, editor, "twin@example.org", django_capture_on_commit_callbacks
    )
    sign_up = _sign_up_link(client, "Twin@Example.org", django_capture_on_commit_callbacks)
    assert _join(client, sign_up, username="twin1").status_code == 302
    client.logout()

    page = client.get(invitation)
    assert page.status_code == 410
    assert "Sign in with it and ask an editor for the Reviewer role" in page.content.decode()
    refused = _join(client, invitation, username="twin2")
    assert refused.status_code == 410
    assert not User.objects.filter(username="twin2").exists()
    assert Invitation.objects.get().used_at is None
    # The one account signs in by its email.
    assert _signs_in(client, "twin@example.org", NEW_PASSWORD)


def test_a_sign_up_link_for_an_email_that_accepted_an_invitation_makes_no_second_account(
    client, editor, django_capture_on_commit_callbacks
):
    sign_up = _sign_up_link(client, "twin@example.org", django_capture_on_commit_callbacks)
    invitation = _invitation_link(
        client, editor, "TWIN@example.org", django_capture_on_commit_callbacks
    )
    assert _join(client, invitation, username="twin1").status_code == 302
    client.logout()
    refused = _join(client, sign_up, username="twin2")
    assert refused.status_code == 410
    assert "already has an account" in refused.content.decode()
    assert User.objects.with_email("twin@example.org").count() == 1


class _AccountLandsFirst:
    """Another account with the same email (other letter case) is inserted
    between our checks and our insert, as in a real race."""

    def __init__(self, email):
        self.email = email
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and sql.startswith(f'INSERT INTO "{User._meta.db_table}"'):
            self.fired = True
            UserFactory(username="quick", email=self.email)
        return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_an_email_taken_at_the_same_moment_on_an_invitation_is_a_form_error(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(username="editor", roles=[Role.EDITOR])
    link = _invitation_link(client, editor, "new@example.org", django_capture_on_commit_callbacks)
    race = _AccountLandsFirst("NEW@example.org")
    with connection.execute_wrapper(race):
        response = _join(client, link, username="newreviewer", name="Nia Reviewer")
    assert race.fired
    assert response.status_code == 400
    text = response.content.decode()
    assert "An account with this email address was created a moment ago" in text
    assert 'value="Nia Reviewer"' in text
    assert not User.objects.filter(username="newreviewer").exists()


def test_a_second_account_cannot_take_an_email_in_another_letter_case(author):
    # Replaces test_issue19_sign_in's "an email shared by two accounts signs
    # in neither": the database no longer lets two accounts share one.
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="twin", email="AUTHOR@example.org")
    assert list(User.objects.with_email("Author@Example.ORG")) == [author]
    # Accounts without an email do not collide with each other.
    UserFactory(username="no_email_1", email="")
    UserFactory(username="no_email_2", email="")


def test_a_sign_up_request_for_a_registered_email_in_another_case_mails_the_holder(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {"email": "AUTHOR@example.org"})
    assert response.status_code == 200
    assert mail.outbox[-1].to == ["author@example.org"]
    assert "already have an account" in mail.outbox[-1].subject


def test_an_invitation_to_a_registered_email_in_another_case_is_refused(client, editor, author):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:people_invite"),
        {"email": "AUTHOR@EXAMPLE.ORG", "role": Role.REVIEWER},
        follow=True,
    )
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


# -- the admin's user form --------------------------------------------------------


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True
    editor.save()
    return editor


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "Evil\x01Name", "invisible control character"),
        ("last_name", "Real\nSigned by: Dr Fake", "takes a single line"),
        ("display_name", SPOOFED_NAME, "takes a single line"),
        ("email", "BOARD@example.org", "already belongs to another account"),
    ],
)
def test_the_admin_user_form_refuses_what_our_forms_refuse(
    client, staff_editor, reviewer, board_member, field, value, message
):
    assert board_member.email == "board@example.org"
    client.force_login(staff_editor)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    data = _admin_form_data(client, url) | {field: value}
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    reviewer.refresh_from_db()
    assert getattr(reviewer, field) != value
    assert not ProfileChange.objects.exists()


def test_the_admin_user_form_saves_clean_names_and_a_free_email(client, staff_editor, reviewer):
    client.force_login(staff_editor)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    data = _admin_form_data(client, url) | {"first_name": "Rita", "email": "rita@example.org"}
    assert client.post(url, data).status_code == 302
    reviewer.refresh_from_db()
    assert (reviewer.first_name, reviewer.email) == ("Rita", "rita@example.org")
    assert set(ProfileChange.objects.values_list("field", flat=True)) == {"first_name", "email"}


# -- line breaks in one-line fields -------------------------------------------------


def _profile_form(**fields) -> dict:
    blank = {"credentials": "MD", "specialty": "", "bio": "Line one\r\nLine two", "disclosure": ""}
    return blank | fields


def test_a_display_name_with_a_line_break_is_refused_on_the_people_page(client, editor, reviewer):
    before = reviewer.display_name
    client.force_login(editor)
    response = client.post(
        reverse("accounts:person", args=[reviewer.pk]),
        _profile_form(display_name=SPOOFED_NAME),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "takes a single line" in text
    assert "Signed by: Dr Fake" in text  # kept in the form for correcting
    reviewer.refresh_from_db()
    assert reviewer.display_name == before
    # A bio may have several lines.
    response = client.post(
        reverse("accounts:person", args=[reviewer.pk]),
        _profile_form(display_name="Dr Real"),
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert (reviewer.display_name, reviewer.bio) == ("Dr Real", "Line one\r\nLine two")


def test_a_display_name_with_a_line_break_is_refused_at_sign_up(
    client, db, django_capture_on_commit_callbacks
):
    link = _sign_up_link(client, "nia@example.org", django_capture_on_commit_callbacks)
    response = _join(client, link, username="nia", name=SPOOFED_NAME)
    assert response.status_code == 400
    text = response.content.decode()
    assert "takes a single line" in text
    assert "Signed by: Dr Fake" in text
    assert not User.objects.exists()
    assert _join(client, link, username="nia", name="Dr Real").status_code == 302


def test_a_display_name_with_a_line_break_is_refused_on_an_invitation(
    client, editor, django_capture_on_commit_callbacks
):
    link = _invitation_link(client, editor, "new@example.org", django_capture_on_commit_callbacks)
    response = _join(client, link, username="newreviewer", name="Dr Real\u2028Signed by: Dr Fake")
    assert response.status_code == 400
    assert "takes a single line" in response.content.decode()
    assert not User.objects.filter(username="newreviewer").exists()


def _text_fields_that_refuse_control_characters():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and (
                refuse_control_characters in field.validators
                or refuse_control_characters_and_line_breaks in field.validators
            ):
                yield field


def test_every_one_line_model_field_refuses_line_breaks_and_longer_text_keeps_them():
    fields = list(_text_fields_that_refuse_control_characters())
    one_line = [f for f in fields if isinstance(f, models.CharField)]
    assert {f"{f.model.__name__}.{f.name}" for f in one_line} >= {
        "User.display_name", "User.first_name", "User.last_name", "User.email",
        "Revision.title", "BoardSignoff.signer_name", "BoardSignoff.signer_credentials",
    }  # fmt: skip
    for field in one_line:
        with pytest.raises(ValidationError):
            field.run_validators("First line\nSecond line")
        with pytest.raises(ValidationError):
            field.run_validators("First line\rSecond line")
    for field in fields:
        if isinstance(field, models.TextField):
            field.run_validators("First line\r\nSecond line\n\tindented")


def test_a_signature_snapshot_refuses_a_name_on_two_lines(board_member):
    signoff = BoardSignoff(signer=board_member, signer_name=SPOOFED_NAME, signer_credentials="MD")
    with pytest.raises(ValidationError) as refused:
        signoff.full_clean(exclude=["revision", "content_hash"])
    assert "signer_name" in refused.value.message_dict


# -- staff, superuser and active status are recorded ----------------------------------


def test_staff_superuser_and_active_changes_in_the_admin_are_recorded(client, admin_user, reviewer):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    data = _admin_form_data(client, url) | {"is_staff": "on", "is_superuser": "on"}
    data.pop("is_active")
    assert client.post(url, data).status_code == 302
    recorded = {
        change.field: (change.old_value, change.new_value, change.changed_by)
        for change in ProfileChange.objects.all()
    }
    assert recorded == {
        "is_staff": ("no", "yes", admin_user),
        "is_superuser": ("no", "yes", admin_user),
        "is_active": ("yes", "no", admin_user),
    }


# -- the invited person's password may not resemble their email ----------------------


def test_an_invited_password_like_the_email_is_refused(
    client, editor, django_capture_on_commit_callbacks
):
    link = _invitation_link(
        client, editor, "marguerite.holloway@example.org", django_capture_on_commit_callbacks
    )
    response = _join(client, link, username="newreviewer", password="marguerite.holloway")
    assert response.status_code == 400
    assert "too similar to the email address" in response.content.decode()
    assert not User.objects.filter(username="newreviewer").exists()
    assert _join(client, link, username="newreviewer").status_code == 302
