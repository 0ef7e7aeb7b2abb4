from django import forms

from .models import SIGNOFF_MEANING


class SignoffForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign electronically.",
    )
    confirm = forms.BooleanField(label=SIGNOFF_MEANING, required=True)
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
