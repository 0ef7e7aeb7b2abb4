"""Issue 19, item 10: text paths stay linear at the size limits.

Their times are measured by bench/text_paths.py (`make bench-text`); these
tests hold the behaviour the faster code must keep."""

import re

from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text.readability import plain_text
from articles.text.rendering import (
    MAX_DELIMITER_RUNS,
    MAX_NESTING,
    Glossary,
    GlossaryEntry,
    render_text,
)

# What plain_text did before it became a scan (25 s on 120 000 brackets).
_QUADRATIC_MARKUP = re.compile(r"\[[\d,\s\-\u2013]+\]|[#*_>`|]+|\[([^\]]*)\]\([^)]*\)")


def _plain_text_before(text: str) -> str:
    return _QUADRATIC_MARKUP.sub(lambda m: m.group(1) or "", text)


NORMAL_TEXTS = [
    "## Why\n\nBecause of a well known mechanism [1].\n\nA new paragraph [2, 3].",
    "See [the guideline](https://example.org/guide_(2020)) and [NICE](https://nice.org.uk) [1-3].",
    "> A quote with *emphasis*, __strong__ and `code` | a table | cell |",
    "Doses [4\u20136] and [7, 8 - 9] and an unclosed [bracket, and a [link](no close",
    "Nested [a [b](c) d] and ](x) and [](empty) and [1](not a citation).",
    "",
]


def test_plain_text_keeps_its_output_on_normal_markdown():
    for text in NORMAL_TEXTS:
        assert plain_text(text) == _plain_text_before(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]()a1 ,-\u2013#*_`|\n", max_size=40))
def test_plain_text_keeps_its_output_on_any_mix_of_brackets(text):
    assert plain_text(text) == _plain_text_before(text)


def test_plain_text_of_unclosed_brackets_keeps_them():
    assert plain_text("[" * 5 + "a](b") == "[" * 5 + "a](b"
    assert plain_text("[a](b " * 3) == "[a](b " * 3


def _flat_pattern(glossary: Glossary) -> re.Pattern:
    """The glossary's regex before it became a trie: one branch per form."""
    forms = sorted(glossary.by_form, key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(form) for form in forms) + r")(?!\w)", re.IGNORECASE
    )


@settings(max_examples=300, deadline=None)
@given(
    forms=st.lists(st.text(alphabet="abAB -é", min_size=1, max_size=6), min_size=1, max_size=8),
    text=st.text(alphabet="abAB -é.", max_size=60),
)
def test_glossary_finds_the_same_terms_as_one_branch_per_form(forms, text):
    entries = [
        GlossaryEntry(term=f"t{n}", explanation="e", forms=(f,)) for n, f in enumerate(forms)
    ]
    glossary = Glossary(entries)
    expected = [m.span(1) for m in _flat_pattern(glossary).finditer(text)]
    assert [m.span(1) for m in glossary.pattern.finditer(text)] == expected


def test_glossary_prefers_the_longest_form_that_ends_a_word():
    glossary = Glossary(
        [
            GlossaryEntry(term="heart", explanation="the organ", forms=("heart",)),
            GlossaryEntry(term="heart attack", explanation="an infarct", forms=("heart attack",)),
        ]
    )
    html = glossary.explain("A Heart Attacks... a heart attack.", set())
    assert "<dfn>Heart</dfn>" in html and "<dfn>heart attack</dfn>" in html


def _render(body: str) -> str:
    return str(render_text("", body, 0).body)


def test_quotes_nest_twenty_deep_and_deeper_markers_show_as_typed():
    # 100 000 markers crashed the worker on the parser's stack.
    html = _render(">" * 30 + " deep")
    assert html.count("<blockquote>") == MAX_NESTING
    assert "&gt;" * 10 + " deep" in html


def test_lists_nest_twenty_deep_and_deeper_markers_show_as_typed():
    html = _render("1. " * 25 + "deep")
    assert html.count("<ol>") == MAX_NESTING
    assert "deep" in html


def test_a_paragraph_with_too_many_emphasis_markers_shows_them_as_typed():
    many = "*a* " * (MAX_DELIMITER_RUNS // 2 + 1)
    html = _render(f"{many}\n\nA *normal* paragraph.")
    assert "*a* *a*" in html
    assert html.count("<em>") == 1  # the next paragraph keeps its emphasis


def test_underscores_inside_words_do_not_count_as_emphasis_markers():
    html = _render("snake_case " * MAX_DELIMITER_RUNS + "*kept*")
    assert "<em>kept</em>" in html and "snake_case" in html and "\\_" not in html


# -- the parser's own crashes ------------------------------------------------


def test_an_unclosed_backtick_after_a_bracket_renders_instead_of_killing_the_worker(
    client, make_article, author
):
    # markdown-it-pyrs panics in Rust on "[" followed by a backtick that never
    # closes; the panic is not an Exception, so Django would not catch it.
    article = make_article(body="## Dosing\n\nSee [the `dose` note and `x [1].\n\n**Next** part.")
    client.force_login(author)
    response = client.get(reverse("articles:revision", args=[article.pk, 1]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "See [the `dose` note and `x" in page
    assert "<strong>Next</strong>" in page
