from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from .forms import SignUpForm, ThrottledPasswordChangeForm
from .services import user_sign_up


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("articles:desk")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(form=form)
        login(request, user, backend="accounts.authentication.UsernameOrEmailBackend")
        messages.success(request, "Welcome! Your account is ready, and you can start writing.")
        return redirect("articles:desk")
    return render(
        request,
        "registration/signup.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
