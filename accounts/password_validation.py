"""Password rules of our own, beside Django's (see AUTH_PASSWORD_VALIDATORS)."""

import re

from django.core.exceptions import ValidationError

# The words an attacker tries first on a medical review site, the demo
# password's among them. Django's common-password list does not know them.
SITE_WORDS = frozenset(
    {
        "admin", "advisory", "article", "author", "board", "care", "clinic", "demo",
        "doctor", "editor", "editorial", "health", "hospital", "letmein", "medical",
        "medicine", "nurse", "password", "patient", "review", "reviewer", "sign",
        "signoff", "welcome",
    }
)  # fmt: skip
_LONGEST = max(map(len, SITE_WORDS))


def _made_of_site_words(letters: str) -> bool:
    # Word break, bounded by the longest word: linear in the password's length.
    ends = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        ends[end] = any(
            ends[start] and letters[start:end] in SITE_WORDS
            for start in range(max(0, end - _LONGEST), end)
        )
    return ends[-1]


class SiteWordsPasswordValidator:
    """Refuses passwords made only of words about this site plus digits and
    punctuation, such as "medical123" or "Review-demo-2026"."""

    def validate(self, password: str, user=None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        if letters and _made_of_site_words(letters):
            raise ValidationError(self.get_help_text(), code="password_site_words")

    def get_help_text(self) -> str:
        return (
            "Your password cannot be made only of words about this site, such as "
            "“medical” or “review”, with numbers: they are the first guesses. "
            "Add words of your own."
        )
