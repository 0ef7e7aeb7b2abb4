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


def refuse_control_characters(value) -> None:
    """Model and form field validator: text with a control character is refused."""
    if not isinstance(value, str):
        return
    if match := CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "This text contains an invisible control character (U+%(code)s), often "
            "left over from copying out of another program. Remove it and try again.",
            code="control_character",
            params={"code": f"{ord(match.group()[0]):04X}"},
        )


def without_control_characters(text: str) -> str:
    """`text` with its control characters dropped, for output that must not
    fail on what was stored before they were refused (the feed, search)."""
    return CONTROL_CHARACTERS.sub("", text)


class RefuseControlCharacters:
    """Form mixin: every text field of the form refuses control characters
    (model forms get this from their models' validators; forms without a
    model, and fields a model form declares itself, need it here).
    Passwords are left as they are: they are checked, never shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)
                and refuse_control_characters not in field.validators
            ):
                field.validators.append(refuse_control_characters)
