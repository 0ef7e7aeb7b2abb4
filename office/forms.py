"""Forms of the editorial office pages."""

from django import forms

from accounts.validators import RefuseControlCharacters
from articles.models import SETTING_FIELDS, EditorialPolicy, GlossaryTerm


class PolicyForm(RefuseControlCharacters, forms.ModelForm):
    note = forms.CharField(
        label="What changed and why", max_length=300, required=True,
        help_text="Shown with the version history.",
    )  # fmt: skip
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EditorialPolicy
        fields = ["text", *SETTING_FIELDS]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 20}),
            "public_from": forms.RadioSelect,
            "citation_style": forms.RadioSelect,
        }


class SourceAlertClearForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Why can this alert be cleared?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept in the audit log and sent to the authors and editors; for example "
        "“The notice concerns a different paper with the same title” or “Updated in "
        "revision 4: the claim now rests on references 2 and 5”.",
    )


class GlossaryTermForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "explanation", "synonyms"]

    def clean(self):
        data = super().clean()
        term = " ".join((data.get("term") or "").split())
        synonyms = [s.strip() for s in (data.get("synonyms") or "").split(",") if s.strip()]
        forms_here = [term.lower(), *(s.lower() for s in synonyms)]
        if len(set(forms_here)) != len(forms_here):
            raise forms.ValidationError("A synonym repeats the term or another synonym.")
        taken = {}
        for other in GlossaryTerm.objects.exclude(pk=self.instance.pk):
            for form in other.forms:
                taken[form.lower()] = other.term
        for form in forms_here:
            if form in taken:
                raise forms.ValidationError(
                    f"“{form}” is already explained by the glossary entry “{taken[form]}”."
                )
        data["term"] = term
        data["synonyms"] = ", ".join(synonyms)
        return data


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Person", required=False, queryset=None, empty_label="Anyone"
    )
    action = forms.ChoiceField(label="Action", required=False)
    article = forms.IntegerField(
        label="Article number",
        required=False,
        min_value=1,
        # The largest id the database can hold; a larger one overflowed the query.
        max_value=2**63 - 1,
        error_messages={"max_value": "No article has a number that large."},
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label="Until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, actions: list[str], people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["action"].choices = [("", "Any action")] + [
            (a, a.replace("_", " ")) for a in actions
        ]
