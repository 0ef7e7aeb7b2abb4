"""The editorial office's people pages: roles, profiles and invitations."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import services
from .forms import InvitedSignUpForm, InviteForm, ProfileForm
from .models import Role, User
from .rules import is_same_person, may_change_roles_of, require_editor


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
        return redirect("people:person", pk=member.pk)
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
        return redirect("people:person", pk=member.pk)
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
    return redirect("people:person", pk=member.pk)


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
    return redirect("people:person", pk=member.pk)


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
    return redirect("people:list")


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
