"""`make bench-text`: every text path on the worst inputs we can build at
the size limits, each timed once; each must take under a second.

The limits are the models': a body of 200 000 characters (three of them,
one per reading level), summaries of 3 000, a title of 300, 200 references
and 100 000 characters of pasted references. The inputs are the shapes that
make text code slow: brackets with no end, deep emphasis, thousands of
citations and of same-named headings, long lines with no space, glossaries
whose terms share prefixes, reordered paragraphs for the diff. Exits 1 when
a path takes a second or more. Search's PostgreSQL functions are measured
when DATABASE_URL points at PostgreSQL (the query parts need no tables).

Run: .venv/bin/python bench/text_paths.py
"""

import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from articles.text import csl  # noqa: E402
from articles.text.citations import (  # noqa: E402
    MAX_REFERENCES,
    citation_problems,
    parse_reference_block,
)
from articles.text.diffs import DIFF_BUDGET, diff_revisions  # noqa: E402
from articles.text.readability import plain_text, readability_report  # noqa: E402
from articles.text.rendering import GlossaryEntry, render_text  # noqa: E402
from reader import search  # noqa: E402

LIMIT_SECONDS = 1.0
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
BODY = 200_000  # Revision.body and the audience bodies
SUMMARY = 3_000
TITLE = 300
PASTED = 100_000  # ArticleDraftForm.pasted_references

rng = random.Random(19)


def fill(unit: str, size: int = BODY) -> str:
    """`unit` repeated to exactly `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def made_up_words(size: int, length: int = 9) -> str:
    """Words no cache has seen: each one costs a syllable count."""
    letters = "aeioubcdfgklmnprst"
    words, total = [], 0
    while total < size:
        word = "".join(rng.choice(letters) for _ in range(length))
        words.append(word)
        total += length + 1
    return " ".join(words)[:size]


def sentences(count: int) -> list[str]:
    return [f"The patient took dose {n} of the drug with food." for n in range(count)]


# ---------------------------------------------------------------------------
# Inputs

GLOSSARY_PREFIXED = [
    GlossaryEntry(
        term=f"term{n}",
        explanation="e" * 300,
        forms=(f"term{n}", *(f"term{n} syn{k}" for k in range(5))),
    )
    for n in range(2_000)
]
# Every form a prefix of the next, up to the longest synonym allowed.
GLOSSARY_CHAIN = [
    GlossaryEntry(term="a" * n, explanation="x" * 300, forms=("a" * n,)) for n in range(1, 301)
]
GLOSSARY_SPACED = [
    GlossaryEntry(term="a " * 149 + "b", explanation="x" * 300, forms=("a " * 149 + "b",))
]

RENDERING = {
    "opening brackets": fill("["),
    "brackets and parentheses": fill("[]("),
    "unclosed links": fill("[a](b "),
    "nested links": "[" * (BODY // 2) + "a" + "](x)" * (BODY // 8),
    "stars": fill("*"),
    "nested emphasis": "*" * (BODY // 2 - 1) + "a" + "*" * (BODY // 2),
    "emphasis openers": fill("*a"),
    "underscore runs": fill("_a "),
    "backticks": fill("`a"),
    "escaped brackets": fill("\\["),
    "entities": fill("&amp;"),
    "citations with ranges": fill("[1-200] "),
    "long citation lists": fill("[" + ",".join(str(n) for n in range(1, 201)) + "] "),
    "same-named headings": fill("## Risks\n"),
    "same-named headings with citations": fill("## Risk [1]\n\n"),
    "one long line": fill("x"),
    "one long line of words": fill("word "),
    "nested quotes": fill(">"),
    "nested quotes with spaces": fill("> "),
    "nested ordered lists": fill("1. "),
    "quotes in lists in quotes": fill("> - "),
    "nested strong pairs": "**a " * (BODY // 8) + "a" + " a**" * (BODY // 8),
    "nested emphasis pairs": "_a " * (BODY // 6) + "a" + " a_" * (BODY // 6),
    "strong openers far from their closers": fill("**a ", BODY // 3)
    + fill("b ", BODY // 3)
    + fill("a**", BODY // 3),
    "paragraphs of nested emphasis just under the limit": fill(
        "*a " * 249 + "a" + " a*" * 249 + "\n\n"
    ),
    "a code block of snake_case": "```\n" + fill("snake_case_name = other_value_here\n") + "```",
    "nested lists": "".join("  " * n + "- a\n" for n in range(600)),
    "big table": "|a|b|\n|-|-|\n" + fill("|a|b|\n", BODY - 12),
}
GLOSSARY_RENDERING = {
    "glossary of 2 000 terms, no match": (fill("word "), GLOSSARY_PREFIXED),
    "glossary of 2 000 terms, near misses": (fill("term1a "), GLOSSARY_PREFIXED),
    "glossary of 2 000 terms, every term": (
        " ".join(f"term{n % 2000} syn{n % 5}" for n in range(BODY // 14))[:BODY],
        GLOSSARY_PREFIXED,
    ),
    "glossary, a term explained in each of 10 000 sections": (
        fill("## h\n\nterm1 term2\n\n"),
        GLOSSARY_PREFIXED,
    ),
    "glossary of nested prefixes": (fill("a" * 299 + " "), GLOSSARY_CHAIN),
    "glossary of a long spaced term, near misses": (fill("a "), GLOSSARY_SPACED),
}


def revision(body: str, summary: str = "", references=(), title: str = "t") -> SimpleNamespace:
    """What diff_revisions and readability_report read from a Revision."""
    return SimpleNamespace(
        title=title,
        summary=summary,
        body=body,
        references=list(references),
        # Every reading level with its own version of this text.
        text_for=lambda level: (summary, body, True),
    )


def reference(n: int, size: int = 500, **fields) -> SimpleNamespace:
    base = {
        "authors": (f"Author{n} " * 60)[:size],
        "authors_text": (f"Author{n} " * 60)[:size],
        "title": f"Title {n} " + "x" * (size - 10),
        "journal": "J" * 300,
        "year": 2020,
        "pmid": "1" * 20,
        "doi": "10.1000/" + "d" * 190,
        "url": "https://example.org/" + "u" * 480,
        "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/1/",
        "doi_url": "https://doi.org/10.1000/x",
        "http_url": "https://example.org/" + "u" * 480,
    }
    base.update(fields)
    return SimpleNamespace(**base)


def diff_cases() -> dict:
    issue_paragraph = sentences(150)  # about 1 500 words
    long_paragraph = sentences(1_200)  # about 12 000 words
    paragraphs = [f"Paragraph {n} about dose {n}." for n in range(BODY // 30)]
    shuffled = paragraphs[:]
    rng.shuffle(shuffled)
    tokens = [rng.choice("ab") for _ in range(BODY // 2)]
    at_budget = int(DIFF_BUDGET**0.5) // 2  # words, each a word and a space token
    vocabulary = [f"w{n}" for n in range(300)] + ["the", "a", "of"] * 50
    common = [rng.choice(vocabulary) for _ in range(at_budget)]
    shuffled_common = rng.sample(common, len(common))
    refs_old = [reference(n) for n in range(MAX_REFERENCES)]
    refs_new = [reference(n, title=f"Changed {n} " + "y" * 480) for n in range(MAX_REFERENCES)]
    return {
        "diff: a 1 500-word paragraph reordered": (
            revision(" ".join(issue_paragraph)),
            revision(" ".join(reversed(issue_paragraph))),
        ),
        "diff: a 12 000-word paragraph reordered": (
            revision(" ".join(long_paragraph)[:BODY]),
            revision(" ".join(reversed(long_paragraph))[:BODY]),
        ),
        "diff: 6 000 paragraphs shuffled": (
            revision("\n\n".join(paragraphs)[:BODY]),
            revision("\n\n".join(shuffled)[:BODY]),
        ),
        "diff: two random two-word texts": (
            revision(" ".join(tokens)),
            revision(" ".join(reversed(tokens))),
        ),
        # The most expensive shapes we found for difflib, sized to just fit
        # the budget: a few common words among many, shuffled; two words.
        "diff: a shuffled paragraph at the budget": (
            revision(" ".join(common)),
            revision(" ".join(shuffled_common)),
        ),
        "diff: random two-word paragraphs at the budget": (
            revision(" ".join(rng.choice("ab") for _ in range(at_budget))),
            revision(" ".join(rng.choice("ab") for _ in range(at_budget))),
        ),
        "diff: every paragraph a little changed": (
            revision("\n\n".join(" ".join(sentences(10)) + f" {n}." for n in range(400))),
            revision("\n\n".join(" ".join(reversed(sentences(10))) + f" {n}!" for n in range(400))),
        ),
        "diff: summary, body and 200 references all changed": (
            revision(
                " ".join(long_paragraph)[:BODY],
                summary=" ".join(issue_paragraph)[:SUMMARY],
                references=refs_old,
                title=fill("a b ", TITLE),
            ),
            revision(
                " ".join(reversed(long_paragraph))[:BODY],
                summary=" ".join(reversed(issue_paragraph))[:SUMMARY],
                references=refs_new,
                title=fill("b a ", TITLE),
            ),
        ),
    }


def readability_cases() -> dict:
    return {
        "plain text: opening brackets": fill("["),
        "plain text: brackets and parentheses": fill("[]("),
        "plain text: links with no end": fill("[a]("),
        "plain text: citations with no end": fill("[1, 2"),
    }


def grading_cases() -> dict:
    """Bodies for every reading level. textstat and pyphen remember the
    texts and words they have seen, so each run grades new ones."""

    def three_versions(make_body):
        versions = [
            {level: make_body() for level in ("professional", "patient", "student")}
            for _ in range(REPEAT)
        ]

        def grade():
            bodies = versions.pop()
            readability_report(SimpleNamespace(text_for=lambda level: ("", bodies[level], True)), 8)

        return grade

    def brackets():
        return fill(f"[a{made_up_words(8)}")

    return {
        "reading grade: three versions of made-up words": three_versions(
            lambda: made_up_words(BODY)
        ),
        "reading grade: three versions of long made-up words": three_versions(
            lambda: made_up_words(BODY, 40)
        ),
        "reading grade: one 200 000-letter word": three_versions(lambda: made_up_words(BODY, BODY)),
        "reading grade: hyphens": three_versions(lambda: made_up_words(BODY, 3).replace(" ", "-")),
        "reading grade: brackets": three_versions(brackets),
    }


def pasted_cases() -> dict:
    return {
        "pasted references: one long line": fill("x", PASTED),
        "pasted references: doi and PMID repeated": fill("doi: PMID: 10.1 ", PASTED),
        "pasted references: dots and spaces": fill(". ", PASTED),
        "pasted references: numbering only": fill("[1] 1. 2) \n", PASTED),
        "pasted references: 2 000 usual lines": "\n".join(
            f"{n}. Smith J, Doe A. A title {n}. J Med. 2020;12:34. doi:10.1000/x{n} PMID: {n}"
            for n in range(2_000)
        )[:PASTED],
        "pasted references: spaces before doi": fill("doi" + " " * 500, PASTED),
    }


# ---------------------------------------------------------------------------
# Timing


def timed(name: str, run) -> tuple[str, float]:
    """The best of REPEAT runs: other work on the machine only adds time,
    and a path that is slow by nature is slow every time."""
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return name, best


def postgres_cases() -> list:
    """ts_headline over the first 500 characters, as a search does, and the
    vectors built when an article is indexed."""
    if connection.vendor != "postgresql":
        return []
    options = "StartSel=<, StopSel=>, MaxWords=35, MinWords=15"

    def headline(text: str, query: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT ts_headline(%s::regconfig, substr(%s, 1, %s),"
                    " websearch_to_tsquery(%s::regconfig, %s), %s)",
                    [search.SEARCH_CONFIG, text, search.HEADLINE_SPAN, search.SEARCH_CONFIG,
                     query, options],
                )  # fmt: skip
                cursor.fetchall()

        return run

    def vector(text: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT length(to_tsvector(%s::regconfig, %s))", [search.SEARCH_CONFIG, text]
                )
                cursor.fetchall()

        return run

    words = fill("drug dose risk ")
    query = ('"drug dose" OR -risk ' * 20)[:200]
    return [
        timed("search headline: many matches", headline(words, query)),
        timed("search headline: one long word", headline(fill("x"), "x")),
        timed("search index: a body of made-up words", vector(made_up_words(BODY))),
        timed("search index: a body of brackets", vector(plain_text(fill("[a](")))),
    ]


def main() -> int:
    results = []
    summary = fill("[1] *a* ", SUMMARY)
    for name, body in RENDERING.items():
        results.append(timed(f"render: {name}", lambda body=body: render_text(summary, body, 200)))
    for name, (body, glossary) in GLOSSARY_RENDERING.items():
        results.append(
            timed(
                f"render: {name}",
                lambda body=body, glossary=glossary: render_text("", body, 200, glossary=glossary),
            )
        )
    cited = fill("[1-200] ")
    references = [reference(n) for n in range(MAX_REFERENCES)]
    # Formatting by citation style (CSL) is paid once per reference and style
    # and then cached by content (articles/templatetags/references.py), so the
    # list is held to the limit as pages get it; the first formatting is
    # measured apart, below, and not held to it.
    first_time = []
    for style in csl.STYLE_FILES:

        def uncached(style=style):
            cache.clear()
            render_to_string(
                "articles/_citation_list.html",
                {"references": references, "cited": set(range(1, 201)), "citation_style": style},
            )

        first_time.append(timed(f"citations: 200 references first formatted in {style}", uncached))
    results.append(
        timed(
            "citations: problems of 25 000 citations", lambda: citation_problems(cited, references)
        )
    )
    results.append(
        timed(
            "citations: 200 references at full length",
            lambda: render_to_string(
                "articles/_citation_list.html",
                {"references": references, "cited": set(range(1, 201)), "citation_style": "ama"},
            ),
        )
    )
    for name, text in pasted_cases().items():
        results.append(timed(name, lambda text=text: parse_reference_block(text)))
    for name, text in readability_cases().items():
        results.append(timed(name, lambda text=text: plain_text(text)))
    for name, grade in grading_cases().items():
        results.append(timed(name, grade))
    for name, (old, new) in diff_cases().items():
        results.append(
            timed(
                name,
                lambda old=old, new=new: diff_revisions(old, new, old.references, new.references),
            )
        )
    words = ["drug", "dose", "risk", "x" * 50]
    results.append(
        timed(
            "search snippet (SQLite): a long body",
            lambda: search._snippet(fill("drug dose risk "), words),
        )
    )
    results.append(
        timed("search snippet (SQLite): no match", lambda: search._snippet(fill("x"), words))
    )
    results.extend(postgres_cases())

    width = max(len(name) for name, _ in results)
    slow = [name for name, seconds in results if seconds >= LIMIT_SECONDS]
    for name, seconds in results:
        mark = "  TOO SLOW" if name in slow else ""
        print(f"{name:<{width}}  {seconds:6.3f} s{mark}")
    if connection.vendor != "postgresql":
        print("(PostgreSQL search functions not measured: DATABASE_URL is not PostgreSQL.)")
    print("Paid once per reference and style, then cached (not held to the limit):")
    for name, seconds in first_time:
        print(f"  {name:<{width - 2}}  {seconds:6.3f} s")
    slowest = max(seconds for _, seconds in results)
    print(f"{len(results)} paths, slowest {slowest:.3f} s; limit {LIMIT_SECONDS} s.")
    if slow:
        print(f"{len(slow)} over the limit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
