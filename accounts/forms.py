from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import Role, User
from .validators import RefuseControlCharacters


class SignUpForm(RefuseControlCharacters, UserCreationForm):
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


class InvitedSignUpForm(RefuseControlCharacters, UserCreationForm):
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


class InviteForm(RefuseControlCharacters, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        label="Join as",
        choices=[(Role.REVIEWER, "Reviewer"), (Role.BOARD, "Advisory Board member")],
    )
