from django.core.exceptions import PermissionDenied


def require_editor(user, message: str = "This page is for editors.") -> None:
    """403 with a sentence a person can read, for anyone without the Editor role."""
    if not user.has_perm("accounts.handle_articles"):
        raise PermissionDenied(message)
