"""Who is asking, and the one name the password throttle counts them under.

People sign in with their login name or their email. django-axes counts
wrong passwords per account (see AXES_LOCKOUT_PARAMETERS): whatever was
typed, failures are recorded under the account's login name, so typing the
email (in any letter case) instead of the login name gives no fresh
allowance. Every form that asks for a password again (sign-in, electronic
signature, password change) goes through the same counters.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from .models import User


def account_for(identifier: str | None) -> User | None:
    """The account a typed login name or email belongs to, if exactly one."""
    if not identifier:
        return None
    account = User.objects.filter(username=identifier).first()
    if account is None and "@" in identifier:
        # Emails are unique by the sign-up and invitation rules, not by the
        # database; an ambiguous one signs in nobody.
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        account = matches[0] if len(matches) == 1 else None
    return account


def throttle_username(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the login name failures are counted under."""
    if credentials:
        identifier = credentials.get("username")
    else:
        identifier = getattr(request, "POST", {}).get("username")
    account = account_for(identifier)
    return account.get_username() if account else identifier


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts the account's email, in any letter case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        account = account_for(username)
        if account is None:
            # As ModelBackend does: spend the hashing time anyway, so the
            # answer's timing does not tell which names exist.
            User().set_password(password)
            return None
        if account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None


def password_reconfirm(*, user: User, password: str, request, paused: str, wrong: str) -> None:
    """Check the password of someone already signed in who must type it again.

    While the account is locked for wrong passwords, refuses without checking
    (`paused` names what is paused); a wrong password counts toward the same
    lock as a failed sign-in. Raises ValidationError with a readable sentence.
    """
    credentials = {"username": user.get_username()}
    if request is not None and AxesProxyHandler.is_locked(request, credentials):
        raise ValidationError(
            f"Too many wrong passwords: {paused} is paused for this account for an hour. "
            "An editor can unlock it sooner.",
            code="paused",
        )
    if not user.check_password(password):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise ValidationError(wrong, code="password_incorrect")
