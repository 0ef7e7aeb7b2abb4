import datetime

from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import outbox

from .models import EMAIL_TAKEN, UNIQUE_EMAIL, Invitation, ProfileChange, Role, RoleChange, User
from .rules import require_editor, require_may_change_roles_of

INVITATION_SALT = "accounts.invitation"
INVITATION_MAX_AGE = datetime.timedelta(days=7)
SIGN_UP_SALT = "accounts.signup"
SIGN_UP_MAX_AGE = datetime.timedelta(days=2)


class LinkProblem(Exception):
    """Expired, used or tampered emailed links; the message says which."""


def sign_up_request(*, email: str) -> None:
    """Email the next step of signing up to `email`: a link to create an
    author account or, when the address already has an account, a note that
    says so. Whoever asked sees the same answer either way, so the sign-up
    form does not tell who is registered."""
    existing = User.objects.with_email(email).first()
    with transaction.atomic():
        if existing is not None:
            outbox.queue(
                "sign_up_existing",
                to=[existing.email],
                subject="You already have an account",
                context={"account": existing, "link": outbox.absolute(reverse("accounts:login"))},
            )
        else:
            token = signing.dumps(email, salt=SIGN_UP_SALT)
            outbox.queue(
                "sign_up_link",
                to=[email],
                subject="Create your account",
                context={
                    "link": outbox.absolute(reverse("accounts:signup_finish", args=[token])),
                    "days": SIGN_UP_MAX_AGE.days,
                },
            )


def sign_up_email_from_token(token: str) -> str:
    """The email a sign-up link was sent to, while it may still create an account."""
    try:
        email = signing.loads(token, salt=SIGN_UP_SALT, max_age=SIGN_UP_MAX_AGE.total_seconds())
    except signing.SignatureExpired as exc:
        raise LinkProblem(
            "This sign-up link has expired. Ask for a new one on the sign-up page."
        ) from exc
    except signing.BadSignature as exc:
        raise LinkProblem(
            "This sign-up link is not valid. Check that you copied all of it."
        ) from exc
    if User.objects.with_email(email).exists():
        raise LinkProblem("This email address already has an account. Sign in instead.")
    return email


def _save_new_account(user: User) -> None:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # The checks found the username and the email free; another sign-up
        # (or invitation) took one of them since. Only the database's message
        # says which: the other row may not be visible to this transaction.
        if UNIQUE_EMAIL in str(exc):
            raise ValidationError(
                "An account with this email address was created a moment ago. "
                "Sign in with it instead."
            ) from exc
        raise ValidationError(
            {"username": "Someone took this username a moment ago. Choose another."}
        ) from exc


def user_sign_up(*, token: str, form) -> User:
    """Create an Author account from a valid SignUpForm for the email a
    sign-up link was sent to. Signing up gives the Author role only; editors
    grant the other roles. A link makes one account, however often it is used."""
    with transaction.atomic():
        # Serialises sign-ups, so two uses of one link at once make one account.
        author = Group.objects.select_for_update().get(name=Role.AUTHOR)
        email = sign_up_email_from_token(token)
        user = form.save(commit=False)
        user.email = email
        _save_new_account(user)
        user.groups.add(author)
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
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            # The form found the email free; another account took it since.
            if UNIQUE_EMAIL not in str(exc):
                raise
            raise ValidationError(EMAIL_TAKEN, code="email_taken") from exc
        changes = [
            ProfileChange(
                person=person,
                field=name,
                old_value=_as_recorded(getattr(stored, name)),
                new_value=_as_recorded(getattr(person, name)),
                changed_by=by,
            )
            for name in ProfileChange.AUDITED_FIELDS
            if getattr(stored, name) != getattr(person, name)
        ]
        return ProfileChange.objects.bulk_create(changes)


def _as_recorded(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def account_invitation_send(*, editor, email: str, role: Role) -> Invitation:
    """Email a signed, single-use link that lets someone join in `role`."""
    require_editor(editor, "Only editors manage people and roles.")
    if role not in (Role.REVIEWER, Role.BOARD):
        raise ValidationError("People can be invited as Reviewers or Advisory Board members.")
    if User.objects.with_email(email).exists():
        raise ValidationError(
            f"{email} already has an account: grant the role on their page instead."
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(email=email, role=role, invited_by=editor)
        token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
        outbox.queue(
            "invitation",
            to=[email],
            subject=f"Invitation to join as {invitation.get_role_display()}",
            context={
                "invitation": invitation,
                "link": outbox.absolute(reverse("accounts:invitation", args=[token])),
                "days": INVITATION_MAX_AGE.days,
            },
        )
    return invitation


def account_invitation_from_token(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds())
    except signing.SignatureExpired as exc:
        raise LinkProblem(
            "This invitation has expired. Ask the editor who invited you for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise LinkProblem(
            "This invitation link is not valid. Check that you copied all of it."
        ) from exc
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None:
        raise LinkProblem("This invitation no longer exists.")
    if invitation.used_at is not None:
        raise LinkProblem("This invitation was already used. Sign in instead.")
    if User.objects.with_email(invitation.email).exists():
        # Joined some other way (a sign-up link) since the invitation was
        # sent: a second account would share the email, and people sign in
        # with it.
        raise LinkProblem(
            f"{invitation.email} already has an account. Sign in with it and ask an editor "
            f"for the {invitation.get_role_display()} role."
        )
    return invitation


def account_invitation_accept(*, token: str, form) -> User:
    """Create the invited person's account with the invited role; the link
    then stops working."""
    with transaction.atomic():
        invitation = account_invitation_from_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise LinkProblem("This invitation was already used. Sign in instead.")
        user = form.save(commit=False)
        user.email = invitation.email
        _save_new_account(user)
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
