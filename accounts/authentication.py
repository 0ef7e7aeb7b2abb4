"""Who is asking, and how wrong passwords pause them.

People sign in with their login name or their email. Whatever was typed,
wrong passwords are recorded under the account's login name, so typing the
email (in any letter case) instead gives no fresh allowance. Every form that
asks for a password again (sign-in, electronic signature, password change)
goes through the same counts, kept by AccountAndAddressHandler.
"""

import enum

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum

from .models import User


def account_for(identifier: str | None) -> User | None:
    """The account a typed login name or email belongs to, if any."""
    if not identifier:
        return None
    account = User.objects.filter(username=identifier).first()
    if account is None and "@" in identifier:
        # One account per email, ignoring case (a database constraint).
        account = User.objects.with_email(identifier).first()
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


class Lock(enum.Enum):
    """Which count of recent wrong passwords reached its limit."""

    ACCOUNT_HERE = "this account, from this address"
    ACCOUNT = "this account, from every address"
    ADDRESS = "every account, from this address"


class AccountAndAddressHandler(AxesDatabaseHandler):
    """AXES_HANDLER: three counts of the wrong passwords of the last
    AXES_COOLOFF_TIME, each with its own limit.

    - one account from one address (AXES_FAILURE_LIMIT): axes' own lock,
      with AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]];
    - one account from every address (SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT):
      guessing spread over many addresses;
    - every account from one address (SIGN_IN_FAILURE_LIMIT_PER_ADDRESS):
      one guess at each of many accounts (password spraying).

    A success deletes, through axes, only the signing-in account's failures
    from its own address, so it lowers no other account's count and no other
    account's share of the address's count. An account+address pair adds at
    most AXES_FAILURE_LIMIT to the other two counts: axes keeps recording
    guesses at a pair it already refuses, and without the cap one address
    could lock a board member out everywhere, or one person's typos pause
    their whole hospital.
    """

    def lock_in_force(self, request, credentials: dict | None = None) -> Lock | None:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        pair_limit = get_failure_limit(request, credentials)
        pairs = (
            AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
            .filter(Q(username=username) | Q(ip_address=address))
            .values_list("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"))
            .order_by()
        )
        here = for_account = from_address = 0
        for pair_username, pair_address, failures in pairs:
            if pair_username == username:
                for_account += min(failures, pair_limit)
                if pair_address == address:
                    here = failures
            if pair_address == address:
                from_address += min(failures, pair_limit)
        if here >= pair_limit:
            return Lock.ACCOUNT_HERE
        if for_account >= settings.SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT:
            return Lock.ACCOUNT
        if from_address >= settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS:
            return Lock.ADDRESS
        return None

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return self.lock_in_force(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes locks on the spot only when the account+address count reaches
        # its limit; the failure that completes one of the other counts
        # shows the lock at once too.
        if (
            request is not None
            and not request.axes_locked_out
            and not self.is_whitelisted(request, credentials)
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lock_in_force(request, credentials: dict | None = None) -> Lock | None:
    """The lock that refuses this request's password attempt, if any."""
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.get_implementation().lock_in_force(request, credentials)


def password_reconfirm(*, user: User, password: str, request, paused: str, wrong: str) -> None:
    """Check the password of someone already signed in who must type it again.

    While a lock covers this account from this address (see
    AccountAndAddressHandler), refuses without checking (`paused` names what
    is paused); a wrong password counts toward the same locks as a failed
    sign-in. Raises ValidationError with a readable sentence.
    """
    credentials = {"username": user.get_username()}
    lock = lock_in_force(request, credentials) if request is not None else None
    if lock is Lock.ADDRESS:
        raise ValidationError(
            f"Too many wrong passwords came from your network: {paused} is paused from it "
            "for up to an hour.",
            code="paused",
        )
    if lock is not None:
        raise ValidationError(
            f"Too many wrong passwords: {paused} is paused for this account for an hour. "
            "An editor can unlock it sooner.",
            code="paused",
        )
    if not user.check_password(password):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise ValidationError(wrong, code="password_incorrect")
