from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm

from .authentication import password_reconfirm
from .models import Role, User
from .validators import RefuseControlCharacters


class SignInForm(AuthenticationForm):
    """Sign in with the login name or the email (see UsernameOrEmailBackend)."""

    IDENTIFIER_MAX_LENGTH = User._meta.get_field("email").max_length

    username = forms.CharField(
        label="Username or email",
        max_length=IDENTIFIER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username or email and password do not match an account. "
            "The password is case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm shortens the field to the login name's 150
        # characters, which would cut off a long email.
        self.fields["username"].max_length = self.IDENTIFIER_MAX_LENGTH
        self.fields["username"].widget.attrs["maxlength"] = self.IDENTIFIER_MAX_LENGTH


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


class SignUpRequestForm(RefuseControlCharacters, forms.Form):
    email = forms.EmailField(label="Your email")


class NewAccountForm(RefuseControlCharacters, UserCreationForm):
    """What everyone joining chooses: a username and a password."""

    def clean_username(self):
        username = super().clean_username()
        if "@" in username:
            # People also sign in with their email; a username that looks like
            # someone's email would take their place at the sign-in form.
            raise forms.ValidationError(
                "Choose a username without “@”: you can sign in with your email as well."
            )
        return username


class SignUpForm(NewAccountForm):
    display_name = forms.CharField(
        label="Your name as readers will see it", max_length=150, required=True
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")


class InvitedSignUpForm(NewAccountForm):
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


class NoticeEmailForm(forms.ModelForm):
    """How a person wants their notifications by email (the inbox page)."""

    class Meta:
        model = User
        fields = ("notice_email",)
        labels = {"notice_email": "Email me about notifications"}
        widgets = {"notice_email": forms.RadioSelect}


class InviteForm(RefuseControlCharacters, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        label="Join as",
        choices=[(Role.REVIEWER, "Reviewer"), (Role.BOARD, "Advisory Board member")],
    )
