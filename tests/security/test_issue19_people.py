"""Issue 19, items 6, 7 and 17: roles change only through the audited People
pages and never by oneself; profile changes leave a record."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.forms import MultiWidget
from django.urls import reverse

from accounts.models import ProfileChange, Role, RoleChange, User

from ..factories import UserFactory


def _roles(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


@pytest.fixture
def second_editor(db):
    return UserFactory(username="editor2", display_name="Ed Second", roles=[Role.EDITOR])


# -- item 6: nobody changes their own roles ------------------------------


@pytest.mark.parametrize("role", [Role.BOARD, Role.REVIEWER, Role.AUTHOR])
def test_an_editor_cannot_grant_themselves_a_role(client, editor, second_editor, role):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:person_roles", args=[editor.pk]), {"role": role, "action": "grant"}
    )
    assert response.status_code == 403
    assert "Nobody changes their own roles" in response.content.decode()
    assert _roles(editor) == {Role.EDITOR}
    assert not RoleChange.objects.exists()


def test_an_editor_cannot_remove_their_own_role(client, editor, second_editor):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:person_roles", args=[editor.pk]),
        {"role": Role.EDITOR, "action": "remove"},
    )
    assert response.status_code == 403
    assert _roles(editor) == {Role.EDITOR}
    assert not RoleChange.objects.exists()


def test_another_editor_grants_the_board_role_with_a_record(client, editor, second_editor):
    client.force_login(second_editor)
    response = client.post(
        reverse("accounts:person_roles", args=[editor.pk]), {"role": Role.BOARD, "action": "grant"}
    )
    assert response.status_code == 302
    assert _roles(editor) == {Role.EDITOR, Role.BOARD}
    change = RoleChange.objects.get()
    assert (change.person, change.role, change.granted, change.changed_by) == (
        editor,
        Role.BOARD,
        True,
        second_editor,
    )


def test_another_editor_may_remove_an_editor_but_not_the_last_one(
    client, editor, second_editor, admin_user
):
    client.force_login(second_editor)
    client.post(
        reverse("accounts:person_roles", args=[editor.pk]),
        {"role": Role.EDITOR, "action": "remove"},
    )
    assert _roles(editor) == set()
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:person_roles", args=[second_editor.pk]),
        {"role": Role.EDITOR, "action": "remove"},
        follow=True,
    )
    assert "is the last Editor" in response.content.decode()
    assert _roles(second_editor) == {Role.EDITOR}


def test_own_person_page_offers_no_role_controls(client, editor, second_editor):
    client.force_login(editor)
    own = client.get(reverse("accounts:person", args=[editor.pk])).content.decode()
    assert 'name="action"' not in own
    assert "Another editor changes your roles" in own
    other = client.get(reverse("accounts:person", args=[second_editor.pk])).content.decode()
    assert 'name="action"' in other


# -- item 7: no role changes in the admin ---------------------------------


def _admin_form_data(client, url) -> dict:
    """What the admin change form posts back when nothing is edited."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else value
    return data


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True
    editor.save()
    return editor


@pytest.mark.parametrize("who", ["staff_editor", "admin_user"])
def test_the_admin_does_not_change_roles(client, request, who, other_author):
    client.force_login(request.getfixturevalue(who))
    url = reverse("admin:accounts_user_change", args=[other_author.pk])
    page = client.get(url).content.decode()
    assert 'name="groups"' not in page
    assert reverse("accounts:person", args=[other_author.pk]) in page  # where roles change
    data = _admin_form_data(client, url)
    data["groups"] = [str(Group.objects.get(name=Role.BOARD).pk)]
    data["user_permissions"] = []
    data["credentials"] = "PhD"
    response = client.post(url, data)
    assert response.status_code == 302
    assert _roles(other_author) == {Role.AUTHOR}
    other_author.refresh_from_db()
    assert other_author.credentials == "PhD"  # the rest of the form still saves


# -- item 17: profile changes are recorded ---------------------------------


def _profile(member, **changes) -> dict:
    fields = ("display_name", "credentials", "specialty", "bio", "disclosure")
    return {name: getattr(member, name) for name in fields} | changes


def test_a_profile_change_on_the_people_page_is_recorded_and_shown(client, editor, board_member):
    client.force_login(editor)
    url = reverse("accounts:person", args=[board_member.pk])
    response = client.post(url, _profile(board_member, credentials="MD, FRCP"))
    assert response.status_code == 302
    change = ProfileChange.objects.get()
    assert (change.person, change.field, change.old_value, change.new_value) == (
        board_member,
        "credentials",
        "MD",
        "MD, FRCP",
    )
    assert change.changed_by == editor
    page = client.get(url).content.decode()
    assert "Credentials changed from “MD” to “MD, FRCP” by Eve Editor" in page


def test_saving_an_unchanged_profile_records_nothing(client, editor, board_member):
    client.force_login(editor)
    client.post(reverse("accounts:person", args=[board_member.pk]), _profile(board_member))
    assert not ProfileChange.objects.exists()


def test_a_profile_change_in_the_admin_is_recorded(client, staff_editor, board_member):
    client.force_login(staff_editor)
    url = reverse("admin:accounts_user_change", args=[board_member.pk])
    data = _admin_form_data(client, url)
    data["display_name"] = "Someone Else"
    assert client.post(url, data).status_code == 302
    change = ProfileChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "display_name",
        "Bo Board",
        "Someone Else",
        staff_editor,
    )


def test_profile_change_records_cannot_be_edited(client, editor, board_member, admin_user):
    client.force_login(editor)
    client.post(
        reverse("accounts:person", args=[board_member.pk]),
        _profile(board_member, specialty="Neurology"),
    )
    change = ProfileChange.objects.get()
    change.new_value = "Cardiology"
    with pytest.raises(PermissionDenied):
        change.save()
    client.force_login(admin_user)
    edit = client.post(
        reverse("admin:accounts_profilechange_change", args=[change.pk]), {"new_value": "x"}
    )
    assert edit.status_code == 403
    delete = client.post(
        reverse("admin:accounts_profilechange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ProfileChange.objects.get().new_value == "Neurology"
