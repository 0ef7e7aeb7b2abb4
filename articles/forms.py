from django import forms

from accounts.models import AudienceLevel

from .models import Reference
from .services import REFERENCE_FIELDS


class ArticleDraftForm(forms.Form):
    title = forms.CharField(
        label="Title (the reader's question)",
        max_length=300,
        help_text="Ask it the way a reader would, e.g. “Can drug X cause symptom Y?”",
    )
    primary_audience = forms.ChoiceField(
        label="Written mainly for", choices=AudienceLevel.choices, initial=AudienceLevel.PATIENT
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The answer first, in two or three sentences.",
    )
    body = forms.CharField(
        label="Body",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown: ## for section headings, - for bullet points, [1] to cite "
        "reference 1.",
    )
    change_summary = forms.CharField(
        label="What changed and why (optional)", required=False, max_length=500
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, required=False)


class ReferenceForm(forms.ModelForm):
    url = forms.URLField(label="URL", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Reference
        fields = REFERENCE_FIELDS
        widgets = {"year": forms.NumberInput(attrs={"min": 1800, "max": 2100})}

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1800 <= year <= 2100:
            raise forms.ValidationError("Enter a year between 1800 and 2100.")
        return year


ReferenceFormSet = forms.formset_factory(
    ReferenceForm, extra=2, can_delete=True, max_num=200, validate_max=True
)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
