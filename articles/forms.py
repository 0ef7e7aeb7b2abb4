from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from accounts.models import AudienceLevel, User
from accounts.validators import RefuseControlCharacters

from .models import (
    Certainty,
    DiscussionAudience,
    NoticeKind,
    ReaderQuestion,
    Reference,
    StudyType,
)
from .models.discussion import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH
from .services import REFERENCE_FIELDS
from .text.citations import MAX_REFERENCES

MAX_BODY = 200_000


class ArticleDraftForm(RefuseControlCharacters, forms.Form):
    """The author's editor, in the order of the task: the reader's question,
    who it is written for, the main text (short answer, then the full answer),
    the optional versions for patients and students, the statement, then the
    references. The main text is what healthcare professionals read and what
    every other level falls back to (Revision.text_for), so it is labelled as
    that rather than as "the professional version"."""

    # Drafts may be saved without these, but not submitted (SUBMIT_CONDITIONS):
    # no "(optional)" beside them.
    needed_to_submit = ("body",)

    title = forms.CharField(
        label="The reader's question",
        max_length=300,
        help_text="This is the article's title. Ask it the way a reader would, e.g. "
        "“Can drug X cause symptom Y?”",
    )
    primary_audience = forms.ChoiceField(
        label="Written mainly for",
        choices=AudienceLevel.choices,
        initial=AudienceLevel.PATIENT,
        widget=forms.RadioSelect,
        help_text="Readers who have not picked a reading level start with this one. Until "
        "you write that level's own version below, they read the main text.",
    )
    summary = forms.CharField(
        label="Short answer",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The answer first, in two or three sentences. Shown at the top of the page.",
    )
    body = forms.CharField(
        label="Full answer",
        required=False,
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Needed before you submit. Markdown: ## for section headings, - for bullet "
        "points, [1], [2, 3] or [1-3] to cite references.",
        error_messages={
            "max_length": "The body is too long: at most 200 000 characters "
            "(it has %(show_value)d). Nothing was saved; your text is below."
        },
    )
    patient_summary = forms.CharField(
        label="Short answer for patients and caregivers",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Left empty, patients get the main short answer.",
    )
    patient_body = forms.CharField(
        label="Full answer for patients and caregivers",
        required=False,
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain words, short sentences; same facts and citations as the main text. "
        "Left empty, patients read the main text.",
    )
    student_summary = forms.CharField(
        label="Short answer for students", required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Left empty, students get the main short answer.",
    )  # fmt: skip
    student_body = forms.CharField(
        label="Full answer for students",
        required=False,
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Left empty, students read the main text.",
    )
    statement = forms.CharField(
        label="Funding and competing interests",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who paid for this work, and any interest an author has in its subject "
        "(or “None declared”). Readers see it at the end of the article; the board signs it "
        "with the text.",
    )
    response_letter = forms.CharField(
        label="Response to the editor and reviewers",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say how this revision answers each point. The editor and the next "
        "round's reviewers read it beside the changes.",
    )
    change_summary = forms.CharField(
        label="What changed since the last submitted revision, and why",
        required=False,
        max_length=500,
        help_text="One line for the revision list, e.g. “Dosing section rewritten after review”.",
    )
    pasted_references = forms.CharField(
        label="Paste references: one per line, or an export in RIS or BibTeX",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: Authors. Title. Journal. 2020;12:34. doi:10.1000/xyz PMID: 123. "
        "From Zotero, EndNote, Mendeley or JabRef, export the references as RIS or BibTeX "
        "and paste the file's text.",
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_title(self):
        # One line, single spaces: titles end up in page headings and email subjects.
        return " ".join(self.cleaned_data["title"].split())

    def __init__(
        self, *args, asks_for_response: bool = False, asks_for_changes: bool = False, **kwargs
    ):
        """`asks_for_changes`: a revision of an article submitted before, so
        there is an earlier version to say what changed from; a brand-new
        article is not asked. `asks_for_response`: the editor asked for
        changes, so the authors answer the decision letter."""
        super().__init__(*args, **kwargs)
        if not asks_for_response:
            del self.fields["response_letter"]
        if not asks_for_changes:
            del self.fields["change_summary"]


class GradeSelect(forms.Select):
    """A select written in Python rather than through a template per option:
    the editor can show 200 reference rows with two of these in each, and
    the option templates alone would cost the page over a second."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class ReferenceForm(forms.ModelForm):
    # A whole row may be left empty, so "(optional)" on every box but the
    # title would mislead (templates/bootstrap5/field.html reads this); the
    # fieldset says what a reference needs.
    marks_optional_fields = False

    class Meta:
        model = Reference
        fields = REFERENCE_FIELDS
        widgets = {
            "year": forms.NumberInput(attrs={"min": 1800, "max": 2100}),
            "study_type": GradeSelect,
            "certainty": GradeSelect,
        }
        # The evidence grade: reviewers see it, readers get it in their words.
        labels = {"certainty": "Certainty of the evidence (GRADE)"}
        help_texts = {
            "study_type": "The design of the study this reference reports. "
            "Needed for every reference before you submit.",
            "certainty": "Optional: how sure the evidence makes us of the claim "
            "this reference supports.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study_type"].choices = [("", "Not chosen yet"), *StudyType.choices]
        self.fields["certainty"].choices = [("", "Not graded"), *Certainty.choices]

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1800 <= year <= 2100:
            raise forms.ValidationError("Enter a year between 1800 and 2100.")
        return year

    def has_content(self) -> bool:
        return any(self.cleaned_data.get(name) for name in REFERENCE_FIELDS)


class BaseReferenceFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": f"An article can have at most {MAX_REFERENCES} references. "
        "Nothing was saved; remove some and save again.",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # ORDER lets authors reorder rows without script: rows are saved, and
        # numbered [1], [2]..., in the order of these numbers.
        form.fields["ORDER"].label = "Place in the list"
        form.fields["ORDER"].help_text = (
            "References are numbered [1], [2]… in the order of these numbers; "
            "change one to move its row."
        )
        form.fields["DELETE"].label = "Remove this reference"

    def references(self) -> list[dict]:
        """Filled-in, not-removed entries in the order the author chose."""
        return [
            {name: form.cleaned_data.get(name) for name in REFERENCE_FIELDS}
            for form in self.ordered_forms
            if form.has_content()
        ]


ReferenceFormSet = forms.formset_factory(
    ReferenceForm,
    formset=BaseReferenceFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=MAX_REFERENCES,
    validate_max=True,
)


class TransitionForm(RefuseControlCharacters, forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label="Compare revision", coerce=int)
    new = forms.TypedChoiceField(label="with revision", coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Revision {n}") for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class VersionCompareForm(forms.Form):
    """A reader's choice of two approved versions to compare; any other
    number is refused with a sentence saying so."""

    old = forms.TypedChoiceField(label="Compare version", coerce=int)
    new = forms.TypedChoiceField(label="with version", coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        refusal = (
            "Version %(value)s is not an approved version of this article; "
            "choose one from the list."
        )
        for name in ("old", "new"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = refusal
            self.fields[name].error_messages["required"] = "Choose a version."


class NoticeForm(RefuseControlCharacters, forms.Form):
    """An editor's correction, update or retraction notice
    (articles.services.article_notice_issue)."""

    kind = forms.ChoiceField(
        label="Kind of notice", choices=NoticeKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason, as readers will see it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say plainly what was wrong or what changed, and what readers should do.",
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)


class DueDateForm(RefuseControlCharacters, forms.Form):
    """A new due date and why (the authors' revision, a reviewer's review)."""

    due_date = forms.DateField(
        label="New due date",
        # <input type=date> only understands ISO dates, whatever the locale.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Why the date changes",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The people whose work is due read this.",
    )


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label="Which describes you best?",
        choices=AudienceLevel.choices,
        widget=forms.RadioSelect,
    )


class ReaderQuestionForm(forms.ModelForm):
    """A reader's follow-up question or error report, on its own page, linked
    from the foot of every article page (templates/reader/question.html)."""

    # A field people never see: bots fill it in, and such posts are dropped.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ReaderQuestion
        fields = ["kind", "question", "email", "audience"]
        labels = {
            "kind": "What is it about?",
            "question": "Your question or the error you found",
            "email": "Your email, if you would like an answer",
            "audience": "You are reading as",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "question": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        help_texts = {
            "question": "Please do not include personal medical details. For urgent "
            "problems contact a doctor or emergency services.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # The reader asked for the form (its own page, or opened in the
            # article by htmx, which honours autofocus): start them typing.
            # A form sent back with errors leaves focus to the error summary.
            self.fields["question"].widget.attrs["autofocus"] = True


class DiscussionMessageForm(RefuseControlCharacters, forms.Form):
    """A message in a discussion (articles.services.discussion_post)."""

    # The service refuses an empty message with its own sentence; no
    # "(optional)" beside what it insists on.
    needed_to_submit = ("text",)

    text = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown works here as in articles. Messages cannot be edited or deleted "
        "once sent: to correct one, send another.",
        # Blank is refused by the service, with its own sentence.
        required=False,
    )


class DiscussionStartForm(DiscussionMessageForm):
    """A new discussion and its first message (articles.services.discussion_start):
    only the audiences the person may start (`rules.startable_audiences`);
    editors also choose the reviewer of a one-reviewer thread."""

    field_order = ("audience", "reviewer", "subject", "text")
    needed_to_submit = ("reviewer", "subject", "text")

    audience = forms.ChoiceField(
        label="Who is in this discussion",
        widget=forms.RadioSelect,
        help_text="Chosen now and shown on the discussion; it cannot be changed later.",
    )
    reviewer = forms.ModelChoiceField(
        label="Reviewer (only for a discussion with one reviewer)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a reviewer",
    )
    subject = forms.CharField(label="Subject", max_length=SUBJECT_MAX_LENGTH, required=False)

    def __init__(self, *args, audiences, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]
        if len(audiences) == 1:
            self.fields["audience"].initial = audiences[0].value
        if reviewers and DiscussionAudience.REVIEWER in audiences:
            self.fields["reviewer"].queryset = User.objects.filter(
                pk__in=[person.pk for person in reviewers]
            )
        else:
            del self.fields["reviewer"]
