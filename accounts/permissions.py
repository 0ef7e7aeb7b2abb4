from django.core.exceptions import PermissionDenied


def require_editor(user, message: str = "This page is for editors.") -> None:
    """403 with a sentence a person can read, for anyone without the Editor role."""
    if not user.has_perm("accounts.handle_articles"):
        raise PermissionDenied(message)


def may_change_roles_of(user, person) -> bool:
    """Editors change other people's roles, never their own: otherwise one
    editor could make themselves a board member and sign what they handled."""
    return user.has_perm("accounts.handle_articles") and user.pk != person.pk


def require_may_change_roles_of(user, person) -> None:
    require_editor(user, "Only editors manage people and roles.")
    if not may_change_roles_of(user, person):
        raise PermissionDenied(
            "Nobody changes their own roles: ask another editor to make this change."
        )
