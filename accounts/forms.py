from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm

from .authentication import password_reconfirm
from .models import Role, User


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or email", max_length=254, widget=forms.TextInput(attrs={"autofocus": True})
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is one more chance to guess the password that signs:
    it counts toward the same lock as sign-in."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        password_reconfirm(
            user=self.user,
            password=old_password,
            request=self.request,
            paused="changing the password",
            wrong=self.error_messages["password_incorrect"],
        )
        return old_password


class SignUpForm(UserCreationForm):
    display_name = forms.CharField(
        label="Your name as readers will see it", max_length=150, required=True
    )
    email = forms.EmailField(label="Email", required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Sign in instead."
            )
        return email


class InvitedSignUpForm(UserCreationForm):
    display_name = forms.CharField(label="Your name as readers will see it", max_length=150)
    credentials = forms.CharField(label="Credentials, e.g. MD, PhD", max_length=100, required=False)
    specialty = forms.CharField(max_length=150, required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "credentials", "specialty")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "credentials", "specialty", "bio", "disclosure")
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "disclosure": forms.Textarea(attrs={"rows": 2}),
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        label="Join as",
        choices=[(Role.REVIEWER, "Reviewer"), (Role.BOARD, "Advisory Board member")],
    )
