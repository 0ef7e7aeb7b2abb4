import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, ProfileChange, Role, RoleChange, User
from .permissions import require_editor, require_may_change_roles_of

INVITATION_SALT = "accounts.invitation"
INVITATION_MAX_AGE = datetime.timedelta(days=7)


def user_sign_up(*, form) -> User:
    """Create an account from a valid SignUpForm. Signing up gives the Author
    role only; editors grant the other roles."""
    with transaction.atomic():
        user = form.save()
        user.groups.add(Group.objects.get(name=Role.AUTHOR))
    return user


def role_grant(*, editor, person: User, role: Role, reason: str = "") -> RoleChange | None:
    """Give `person` a role, with a record of who did it. Editors grant roles
    to others only. Granting a role the person already has changes nothing
    and records nothing."""
    require_may_change_roles_of(editor, person)
    with transaction.atomic():
        group = Group.objects.select_for_update().get(name=role)
        if person.groups.filter(pk=group.pk).exists():
            return None
        person.groups.add(group)
        return RoleChange.objects.create(
            person=person, role=role, granted=True, changed_by=editor, reason=reason
        )


def role_remove(*, editor, person: User, role: Role, reason: str = "") -> RoleChange | None:
    """Take a role away from someone else, with a record. The last Editor
    cannot be removed: somebody must always be able to run the office."""
    require_may_change_roles_of(editor, person)
    with transaction.atomic():
        # Locking the group row serialises two editors removing each other.
        group = Group.objects.select_for_update().get(name=role)
        if not person.groups.filter(pk=group.pk).exists():
            return None
        if role == Role.EDITOR and group.user_set.filter(is_active=True).count() <= 1:
            raise ValidationError(
                f"{person} is the last Editor. Make someone else an Editor first."
            )
        person.groups.remove(group)
        return RoleChange.objects.create(
            person=person, role=role, granted=False, changed_by=editor, reason=reason
        )


def profile_update(*, by, person: User) -> list[ProfileChange]:
    """Save `person` with the profile fields a form has just set on it, and
    record each field that changed, from what to what, and by whom. Every
    path that edits someone's profile (People pages, admin) saves through here."""
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=person.pk)
        person.save()
        changes = [
            ProfileChange(
                person=person,
                field=name,
                old_value=getattr(stored, name),
                new_value=getattr(person, name),
                changed_by=by,
            )
            for name in ProfileChange.AUDITED_FIELDS
            if getattr(stored, name) != getattr(person, name)
        ]
        return ProfileChange.objects.bulk_create(changes)


def invitation_send(*, editor, email: str, role: Role) -> Invitation:
    """Email a signed, single-use link that lets someone join in `role`."""
    require_editor(editor, "Only editors manage people and roles.")
    if role not in (Role.REVIEWER, Role.BOARD):
        raise ValidationError("People can be invited as Reviewers or Advisory Board members.")
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            f"{email} already has an account: grant the role on their page instead."
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(email=email, role=role, invited_by=editor)
        token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
        link = settings.SITE_URL + reverse("invitation", args=[token])
        context = {"invitation": invitation, "link": link, "days": INVITATION_MAX_AGE.days}

        def send():
            from reviews.notifications import deliver

            deliver(
                to=[email],
                subject=f"[Medical Review] Invitation to join as {invitation.get_role_display()}",
                body=render_to_string("emails/invitation.txt", context),
                html=render_to_string("emails/invitation.html", context),
            )

        transaction.on_commit(send, robust=True)
    return invitation


class InvitationProblem(Exception):
    """Expired, used or tampered invitation links; the message says which."""


def invitation_from_token(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds())
    except signing.SignatureExpired as exc:
        raise InvitationProblem(
            "This invitation has expired. Ask the editor who invited you for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationProblem(
            "This invitation link is not valid. Check that you copied all of it."
        ) from exc
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None:
        raise InvitationProblem("This invitation no longer exists.")
    if invitation.used_at is not None:
        raise InvitationProblem("This invitation was already used. Sign in instead.")
    return invitation


def invitation_accept(*, token: str, form) -> User:
    """Create the invited person's account with the invited role; the link
    then stops working."""
    with transaction.atomic():
        invitation = invitation_from_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvitationProblem("This invitation was already used. Sign in instead.")
        user = form.save(commit=False)
        user.email = invitation.email
        user.save()
        user.groups.add(Group.objects.get(name=invitation.role))
        RoleChange.objects.create(
            person=user,
            role=invitation.role,
            granted=True,
            changed_by=invitation.invited_by,
            reason="Accepted an invitation.",
        )
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save()
    return user
