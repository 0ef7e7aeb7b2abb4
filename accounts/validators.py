"""Checks on the text people type, for every app's models and forms.

Here because accounts is the lowest layer the apps have (there is no core
app yet); articles and reviews import it, never the other way round."""

import re

from django import forms
from django.core.exceptions import ValidationError

# Invisible characters that break XML (the Atom feed), e-mail headers and
# copy-and-paste: the C0 controls except tab and line feed, DEL and the C1
# controls. A carriage return is allowed only before a line feed, because
# browsers send a textarea's line breaks as CRLF.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")

# A name, a title or a note is shown on one line: in lists, e-mail subjects,
# the "signed by" line and the page's structured data. A line break there
# would let "Dr Real" be followed by a line that reads like another
# statement ("Signed by: Dr Fake"). Unicode's own line and paragraph
# separators count as line breaks too.
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]")


def refuse_control_characters(value) -> None:
    """Validator for text that may span lines (TextField, textarea): text
    with a control character is refused; tab and line breaks are allowed."""
    if not isinstance(value, str):
        return
    if match := CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "This text contains an invisible control character (U+%(code)s), often "
            "left over from copying out of another program. Remove it and try again.",
            code="control_character",
            params={"code": f"{ord(match.group()[0]):04X}"},
        )


def refuse_control_characters_and_line_breaks(value) -> None:
    """Validator for one-line text (CharField, text input): as
    refuse_control_characters, and line breaks are refused too."""
    refuse_control_characters(value)
    if isinstance(value, str) and LINE_BREAKS.search(value):
        raise ValidationError(
            "This field takes a single line. Remove the line break and try again.",
            code="line_break",
        )


def without_control_characters(text: str) -> str:
    """`text` with its control characters dropped, for output that must not
    fail on what was stored before they were refused (the feed, search)."""
    return CONTROL_CHARACTERS.sub("", text)


class RefuseControlCharacters:
    """Form mixin: every text field of the form refuses control characters,
    and one-line fields (anything but a textarea) refuse line breaks too.
    Model forms get this from their models' validators; forms without a
    model, and fields a model form declares itself, need it here.
    Passwords are left as they are: they are checked, never shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.one_line_fields = []
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            if refuse_control_characters not in field.validators:
                field.validators.append(refuse_control_characters)
            if not isinstance(field.widget, forms.Textarea):
                self.one_line_fields.append(name)

    def full_clean(self):
        # Line breaks are looked for in the cleaned value, after the form's
        # own clean_<field>() methods: a form that joins a pasted title's
        # lines into one keeps doing so; what would be stored is what counts.
        super().full_clean()
        for name in self.one_line_fields:
            value = getattr(self, "cleaned_data", {}).get(name)
            if value is None:
                continue
            try:
                refuse_control_characters_and_line_breaks(value)
            except ValidationError as error:
                self.add_error(name, error)
