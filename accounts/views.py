"""Account pages: signing in and up, passwords, and the people pages where
editors manage roles, profiles, lockouts and invitations."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from . import services
from .authentication import Lock, lock_in_force
from .forms import (
    InvitedSignUpForm,
    InviteForm,
    NoticeEmailForm,
    ProfileForm,
    SignUpForm,
    SignUpRequestForm,
    ThrottledPasswordChangeForm,
)
from .models import Notification, Role, User
from .rules import is_same_person, may_change_roles_of, require_editor

# Each request sends an email: without a limit the form would let anyone
# flood a stranger's inbox, or this server's mail reputation.
SIGN_UP_RATE_PER_ADDRESS = "10/h"
SIGN_UP_RATE_PER_EMAIL = "3/h"


def _sign_up_email_key(group, request) -> str:
    """The per-email limit counts one inbox however its address is typed:
    "A@x.org " and "a@X.org" are one inbox to the person being flooded."""
    return request.POST.get("email", "").strip().lower()


@ratelimit(key="ip", rate=SIGN_UP_RATE_PER_ADDRESS, method="POST", block=False)
@ratelimit(key=_sign_up_email_key, rate=SIGN_UP_RATE_PER_EMAIL, method="POST", block=False)
def sign_up(request):
    """Public: ask for a sign-up link. The answer is the same whether or not
    the email already has an account (the email itself says which)."""
    if request.user.is_authenticated:
        return redirect("articles:desk")
    form = SignUpRequestForm(request.POST or None)
    if request.method == "POST" and getattr(request, "limited", False):
        form.is_valid()
        form.add_error(
            None,
            "Several sign-up links were asked for in a short time, so no email was sent. "
            "Please try again in an hour.",
        )
        return render(request, "registration/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        services.sign_up_request(email=form.cleaned_data["email"])
        return render(
            request, "registration/signup_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request,
        "registration/signup.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def sign_up_finish(request, token: str):
    """Public: the emailed sign-up link, where the account is created."""
    if request.user.is_authenticated:
        return redirect("articles:desk")
    try:
        email = services.sign_up_email_from_token(token)
    except services.LinkProblem as exc:
        return render(request, "registration/signup_problem.html", {"problem": exc}, status=410)
    form = SignUpForm(request.POST or None)
    form.instance.email = email  # so the password may not resemble it either
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(token=token, form=form)
        except services.LinkProblem as exc:
            return render(request, "registration/signup_problem.html", {"problem": exc}, status=410)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="accounts.authentication.UsernameOrEmailBackend")
            messages.success(request, "Welcome! Your account is ready, and you can start writing.")
            return redirect("articles:desk")
    return render(
        request,
        "registration/signup_finish.html",
        {"form": form, "email": email},
        status=400 if request.method == "POST" else 200,
    )


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page shown instead of signing in while a lock
    covers this account or this address, saying which."""
    lock = lock_in_force(request, credentials)
    return render(
        request,
        "accounts/locked_out.html",
        {"network_paused": lock is Lock.ADDRESS, "paused_everywhere": lock is Lock.ACCOUNT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    # Django's default names the page without our URL namespace.
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@require_safe
@login_required
def people(request):
    require_editor(request.user, "People and roles are managed by editors.")
    role = request.GET.get("role", "")
    query = request.GET.get("q", "").strip()
    everyone = (
        User.objects.filter(is_active=True)
        .prefetch_related("groups")
        .order_by("display_name", "username")
    )
    if role in Role.values:
        everyone = everyone.filter(groups__name=role)
    if query:
        everyone = everyone.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(specialty__icontains=query)
        )
    page = Paginator(everyone, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people.html",
        {"page": page, "role": role, "query": query, "roles": Role, "invite_form": InviteForm()},
    )


@login_required
def person(request, pk: int):
    require_editor(request.user, "People and roles are managed by editors.")
    member = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk, is_active=True)
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.profile_update(by=request.user, person=form.instance)
        messages.success(request, f"{member}'s public profile is saved.")
        return redirect("accounts:person", pk=member.pk)
    return render(
        request,
        "accounts/person.html",
        {
            "member": member,
            "form": form,
            "roles": [(role, member.has_role(role)) for role in Role],
            "may_change_roles": may_change_roles_of(request.user, member),
            "own_page": is_same_person(request.user, member),
            "history": member.role_changes.select_related("changed_by")[:50],
            "profile_history": member.profile_changes.select_related("changed_by")[:50],
            # One row per address and browser, all of them: what an unlock clears.
            "failed_sign_ins": AccessAttempt.objects.filter(
                username=member.get_username()
            ).aggregate(total=Sum("failures_since_start"))["total"],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def change_role(request, pk: int):
    require_editor(request.user, "People and roles are managed by editors.")
    member = get_object_or_404(User, pk=pk, is_active=True)
    role = request.POST.get("role")
    if role not in Role.values:
        messages.error(request, "Choose one of the four roles.")
        return redirect("accounts:person", pk=member.pk)
    grant = request.POST.get("action") == "grant"
    try:
        change = (services.role_grant if grant else services.role_remove)(
            editor=request.user, person=member, role=Role(role)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if change is None:
            messages.info(request, "Nothing changed.")
        else:
            verb = "now has" if grant else "no longer has"
            messages.success(request, f"{member} {verb} the {role} role.")
    return redirect("accounts:person", pk=member.pk)


@login_required
@require_POST
def unlock(request, pk: int):
    """Lift a sign-in lockout (too many wrong passwords) before it expires."""
    require_editor(request.user, "People and roles are managed by editors.")
    member = get_object_or_404(User, pk=pk)
    cleared = axes_reset(username=member.get_username())
    messages.success(
        request,
        f"{member} can sign in again." if cleared else f"{member} was not locked out.",
    )
    return redirect("accounts:person", pk=member.pk)


@login_required
@require_POST
def invite(request):
    require_editor(request.user, "People and roles are managed by editors.")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.account_invitation_send(
                editor=request.user,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    else:
        messages.error(request, "Enter a valid email address and a role.")
    return redirect("accounts:people")


def accept_invitation(request, token: str):
    """Public: the invited person creates their account from the emailed link."""
    try:
        invitation = services.account_invitation_from_token(token)
    except services.LinkProblem as exc:
        return render(request, "accounts/invitation_problem.html", {"problem": exc}, status=410)
    form = InvitedSignUpForm(request.POST or None)
    form.instance.email = invitation.email  # so the password may not resemble it either
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_invitation_accept(token=token, form=form)
        except services.LinkProblem as exc:
            return render(request, "accounts/invitation_problem.html", {"problem": exc}, status=410)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="accounts.authentication.UsernameOrEmailBackend")
            messages.success(request, f"Welcome! You joined as {invitation.get_role_display()}.")
            return redirect("articles:desk")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# -- the inbox: each person's own notifications ---------------------------

INBOX_PAGE_SIZE = 25


def _inbox_page(request, *, form, status=200):
    notices = Notification.objects.filter(recipient=request.user)
    page = Paginator(notices, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/inbox.html",
        {"page": page, "form": form, "unread": notices.unread().exists()},
        status=status,
    )


@login_required
@require_safe
def inbox(request):
    return _inbox_page(request, form=NoticeEmailForm(instance=request.user))


def _local_path(link: str) -> str:
    """The notification's link if it is a path on this site, else the inbox:
    opening an entry never sends anyone elsewhere."""
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return link
    return reverse("accounts:inbox")


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Mark the entry read and go to the page it is about. Only its
    recipient finds it (anyone else: 404, as if it did not exist)."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return redirect(_local_path(notice.link))


@login_required
@require_POST
def inbox_read_all(request):
    marked = (
        Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    )
    if marked:
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    else:
        messages.info(request, "Everything was already read.")
    return redirect("accounts:inbox")


@login_required
@require_POST
def inbox_email(request):
    """The person's email choice for notifications, recorded like every
    profile change (`services.profile_update`)."""
    form = NoticeEmailForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _inbox_page(request, form=form, status=400)
    if services.profile_update(by=request.user, person=form.instance):
        messages.success(request, f"Saved: {form.instance.get_notice_email_display().lower()}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("accounts:inbox")
