from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from . import services
from .authentication import Lock, lock_in_force
from .forms import SignUpForm, SignUpRequestForm, ThrottledPasswordChangeForm

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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
