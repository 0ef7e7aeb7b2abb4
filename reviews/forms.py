import datetime

from django import forms
from django.utils import timezone

from accounts.models import Role, User
from accounts.validators import RefuseControlCharacters
from articles.text.evidence import grade_line

from .models import SIGNOFF_MEANING, Review


class SignoffForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign electronically.",
    )
    confirm = forms.BooleanField(label=SIGNOFF_MEANING, required=True)
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, versions=(), **kwargs):
        """`versions`: the revision's written versions, each a dict with
        "name", "label" and "short" (its shortened fingerprint); one
        checkbox each, all required."""
        super().__init__(*args, **kwargs)
        for version in versions:
            self.fields[f"confirm_{version['name']}"] = forms.BooleanField(
                label=(
                    f"I read the version for {version['label'].lower()} readers shown above "
                    f"(fingerprint {version['short']})."
                ),
                required=True,
                error_messages={
                    "required": f"Confirm that you read the version for "
                    f"{version['label'].lower()} readers, or do not sign yet."
                },
            )

    def version_fields(self):
        return [self[name] for name in self.fields if name.startswith("confirm_")]

    def confirmed_versions(self) -> list[str]:
        return [
            name.removeprefix("confirm_")
            for name, value in self.cleaned_data.items()
            if name.startswith("confirm_") and value
        ]


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.name_with_credentials


class InviteForm(RefuseControlCharacters, forms.Form):
    # Whom the editor may invite is articles.rules.reviewer_refusal, which
    # reviews.services.reviewers_invite asks.
    reviewers = ReviewerChoiceField(
        label="Reviewers to invite",
        queryset=User.objects.filter(groups__name=Role.REVIEWER),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reviewer."},
    )
    due_date = forms.DateField(
        label="Review due on",
        # <input type=date> only understands ISO dates, whatever the locale.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label="Message to the reviewers",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date is in the past; choose a later date.")
        if due > timezone.localdate() + datetime.timedelta(days=365):
            raise forms.ValidationError("Choose a due date within the next year.")
        return due


class AcceptForm(RefuseControlCharacters, forms.Form):
    conflict = forms.ChoiceField(
        label="Competing interests",
        choices=[
            ("none", "I have no competing interests with this article or its authors."),
            ("declare", "I have a competing interest, described below."),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Please say whether you have a competing interest."},
    )
    conflict_details = forms.CharField(
        label="Describe the competing interest",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("conflict") == "declare" and not data.get("conflict_details", "").strip():
            self.add_error("conflict_details", "Please describe the competing interest.")
        return data


class DeclineForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Why are you declining?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please give the editor a short reason."},
    )
    suggestion = forms.CharField(
        label="Someone you would suggest instead", required=False, max_length=300
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "recommendation",
            "comments_to_author",
            "confidential_comments",
            "claims_supported",
            "doses_checked",
            "audience_fit",
            "questioned_grades",
            "grade_comments",
        ]
        widgets = {
            "recommendation": forms.RadioSelect,
            "comments_to_author": forms.Textarea(attrs={"rows": 8}),
            "confidential_comments": forms.Textarea(attrs={"rows": 3}),
            "grade_comments": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "comments_to_author": "The authors read these, without your name.",
            "confidential_comments": "Only editors read these; never the authors.",
            "grade_comments": "For example, a study called a randomised trial that was "
            "observational, or a certainty higher than the evidence allows. "
            "The authors and the editor read this.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = Review.Recommendation.choices
        self.fields["recommendation"].required = False
        # Tick the references of the reviewed revision whose grade you doubt.
        references = self.instance.revision.references.all() if self.instance.pk else []
        self.fields["questioned_grades"] = forms.TypedMultipleChoiceField(
            label="Evidence grades you question",
            required=False,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            choices=[
                (
                    ref.position,
                    f"[{ref.position}] {_short(ref.title)} — "
                    f"{grade_line(ref.study_type, ref.certainty) or 'no type of study given'}",
                )
                for ref in references
            ],
            help_text="Optional: tick each reference whose type of study or GRADE "
            "certainty you think is wrong, and say why below.",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("questioned_grades") and not (cleaned.get("grade_comments") or "").strip():
            self.add_error("grade_comments", "Say why you question the grades you ticked.")
        if (cleaned.get("grade_comments") or "").strip() and not cleaned.get("questioned_grades"):
            self.add_error(
                "questioned_grades", "Tick the references whose grades your comment is about."
            )
        return cleaned


def _short(title: str) -> str:
    return title if len(title) <= 70 else title[:67].rstrip() + "…"


class RecuseForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Your competing interest",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please describe the competing interest."},
    )


class FewerReviewsForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Why this round can be decided with fewer reviews",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please say why the round can be decided with fewer reviews."},
    )


class DecisionForm(RefuseControlCharacters, forms.Form):
    """The editor's one decision on a round: which decision, and one letter.
    `decisions` are the workflow transitions this editor may fire now
    (request changes / send to the board / reject), each with its label and
    what happens next; the view fires the chosen one."""

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    letter = forms.CharField(
        label="Your letter",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Needed to request changes or to reject: the authors receive it with the "
        "reviewers' comments. When you send the article to the board it may be left empty; "
        "the board reads it as your note.",
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # Two of the three decisions need the letter, so its label carries no
    # "(optional)" mark; clean() asks for it when the chosen one does.
    needed_to_submit = ("letter",)

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = list(decisions)
        self.fields["decision"].choices = [
            (spec.name, spec.custom["label"]) for spec in self.decisions
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = {spec.name: spec for spec in self.decisions}.get(cleaned.get("decision"))
        if chosen and chosen.custom.get("comment_required") and not cleaned.get("letter"):
            self.add_error(
                "letter",
                f"Please write the letter: “{chosen.custom['label']}” needs one "
                f"to tell the authors why.",
            )
        return cleaned

    def options(self):
        """Each choice with its radio and what happens next, for the template."""
        radios = {radio.data["value"]: radio for radio in self["decision"]}
        return [
            {"radio": radios[spec.name], "next": spec.custom.get("next", ""), "name": spec.name}
            for spec in self.decisions
        ]


def _date_input():
    # <input type=date> only understands ISO dates, whatever the locale.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _within_a_year(due: datetime.date) -> datetime.date:
    if due < timezone.localdate():
        raise forms.ValidationError("The date is in the past; choose a later date.")
    if due > timezone.localdate() + datetime.timedelta(days=365):
        raise forms.ValidationError("Choose a date within the next year.")
    return due


class ExtensionRequestForm(RefuseControlCharacters, forms.Form):
    """A reviewer asks for more time (reviews.services.extension_request)."""

    due_date = forms.DateField(label="New due date you ask for", widget=_date_input())
    reason = forms.CharField(
        label="Why you need more time",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please tell the editor why you need more time."},
    )

    def clean_due_date(self):
        return _within_a_year(self.cleaned_data["due_date"])


class ExtensionDecisionForm(RefuseControlCharacters, forms.Form):
    """An editor grants (maybe with another date) or refuses a reviewer's
    request for more time (reviews.services.extension_decide)."""

    decision = forms.ChoiceField(
        label="Your answer",
        choices=[("grant", "Grant more time"), ("refuse", "Refuse: the due date stays")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to grant or refuse the request."},
    )
    due_date = forms.DateField(
        label="New due date (when granting)",
        required=False,
        widget=_date_input(),
        help_text="Leave as it is to grant the date the reviewer asked for.",
    )
    note = forms.CharField(
        label="Note to the reviewer",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        return _within_a_year(due) if due else due


class ReviewDueDateForm(RefuseControlCharacters, forms.Form):
    """An editor moves a reviewer's due date (reviews.services.review_due_date_move)."""

    due_date = forms.DateField(label="New due date", widget=_date_input())
    note = forms.CharField(
        label="Note to the reviewer",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_due_date(self):
        return _within_a_year(self.cleaned_data["due_date"])
