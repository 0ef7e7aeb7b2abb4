"""Who may do what with people and roles, and the roles that every other
rule starts from (the article rules in articles/rules.py build on these).

Each rule is a predicate of the `rules` package, asked by calling it
(`is_editor(user)`, `may_change_roles_of(user, person)`) or by its
registered name with `rules.has_perm(name, user, obj)`. Not with
`user.has_perm(name, obj)` where superusers matter: Django answers that
yes for every active superuser before any rule is asked, and some rules
here hold for superusers too (`acts_in_role`).
"""

import rules
from django.core.exceptions import PermissionDenied

from .models import Role


def acts_in_role(user, role: Role) -> bool:
    """Whether `user` holds `role` themselves. Acts that carry a personal
    responsibility (signing for the board, reviewing) need the role itself:
    has_perm() would also answer yes for every superuser, and a site
    administrator's power is not a board member's or a reviewer's judgement.
    Query form: `User.objects.acting_in(role)`."""
    return user.is_authenticated and user.is_active and user.has_role(role)


def _holds_role_or_runs_site(user, role: Role) -> bool:
    """The role itself, or a site administrator's standing in for it. Asked
    of the roles already read for the page (`User.role_names`), not of
    Django's permission tables: roles are the only way permissions are given
    here (the admin shows groups and permissions read-only), and the header
    asks this on every signed-in page."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(role))


@rules.predicate
def is_editor(user) -> bool:
    """Holds an editor's powers: the Editor role, or runs the site (a
    superuser). Editors run the office pages,
    handle articles they did not write and manage people."""
    return _holds_role_or_runs_site(user, Role.EDITOR)


@rules.predicate
def may_write_articles(user) -> bool:
    """Holds the Author role, or runs the site (a superuser)."""
    return _holds_role_or_runs_site(user, Role.AUTHOR)


@rules.predicate
def is_board_member(user) -> bool:
    """A member of the Medical Advisory Board, in person (`acts_in_role`)."""
    return acts_in_role(user, Role.BOARD)


@rules.predicate
def is_reviewer(user) -> bool:
    """Holds the Reviewer role in person (`acts_in_role`)."""
    return acts_in_role(user, Role.REVIEWER)


@rules.predicate
def is_site_administrator(user) -> bool:
    """Runs the site and its database (a superuser): sees every row in the
    admin, and alone sets passwords, usernames, staff and superuser status."""
    return user.is_superuser


@rules.predicate
def is_same_person(user, person) -> bool:
    return user.pk == person.pk


@rules.predicate
def may_change_roles_of(user, person) -> bool:
    """Editors change other people's roles, never their own: otherwise one
    editor could make themselves a board member and sign what they handled."""
    return is_editor(user) and not is_same_person(user, person)


def require_editor(user, message: str = "This page is for editors.") -> None:
    """403 with a sentence a person can read, for anyone who is not an editor."""
    if not is_editor(user):
        raise PermissionDenied(message)


def require_may_change_roles_of(user, person) -> None:
    require_editor(user, "Only editors manage people and roles.")
    if not may_change_roles_of(user, person):
        raise PermissionDenied(
            "Nobody changes their own roles: ask another editor to make this change."
        )


rules.add_perm("accounts.manage_people", is_editor)
rules.add_perm("accounts.change_roles_of_person", may_change_roles_of)
