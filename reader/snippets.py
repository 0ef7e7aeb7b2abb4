"""Short extracts of an article's text for lists and search results: plain
words (no Markdown, no citation markers), no space left before punctuation
where a marker was taken out, cut at a sentence or at least a word, never
inside one."""

import re

from articles.text.readability import plain_text

_SPACES = re.compile(r"\s+")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+*]|\d+[.)])[ \t]+", re.MULTILINE)
_UNFINISHED_LINE = re.compile(r"(?<=[^\s.!?:;,])[ \t]*\n")
_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)\]])")
_SENTENCE_END = re.compile(r"[.!?]\s")
ELLIPSIS = "…"


def tidy(text: str) -> str:
    """One line: list markers dropped, a line that ends without punctuation
    (a heading, a list item) ended with a full stop, runs of white space made
    one space, none before punctuation (what "cells [1]. How" leaves once
    its citation is dropped)."""
    text = _UNFINISHED_LINE.sub(".\n", _LIST_MARKER.sub("", (text or "").strip()))
    return _BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip()


def clean(markdown_text: str) -> str:
    """Markdown as a reader would say it: markup and citations dropped, tidied."""
    return tidy(plain_text(markdown_text))


def shorten(text: str, limit: int = 220) -> str:
    """At most about `limit` characters of tidy text: whole sentences when
    they fill at least half of it, else whole words, with "…" if cut."""
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    ends = [m.end() - 1 for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].rstrip()
    cut = window.rfind(" ")
    return window[: cut if cut > 0 else limit].rstrip(" ,;:") + " " + ELLIPSIS


def around(text: str, position: int, limit: int = 220) -> tuple[int, str]:
    """A stretch of tidy text of about `limit` characters holding the
    character at `position`: it starts at the beginning of that sentence
    when the sentence starts close enough, else at a word; gives (start,
    excerpt) with "…" where text was left out."""
    start = 0
    if position > limit // 2:
        earlier = text[: position + 1]
        sentence = max(earlier.rfind(". "), earlier.rfind("? "), earlier.rfind("! "))
        if sentence >= 0 and position - sentence < limit * 2 // 3:
            start = sentence + 2
        else:
            start = text.rfind(" ", 0, position - limit // 3) + 1
    excerpt = shorten(text[start:], limit)
    return start, (ELLIPSIS + " " if start else "") + excerpt


def mark_cuts(excerpt: str, marks: str = "") -> str:
    """An excerpt someone else cut (PostgreSQL's ts_headline cuts at words,
    anywhere in a sentence) with "…" where it starts or stops mid-sentence.
    `marks`: characters to look past, such as highlight sentinels."""
    bare = excerpt.strip().strip(marks)
    if not bare:
        return excerpt
    before = "" if bare[0].isupper() or bare[0].isdigit() else ELLIPSIS + " "
    after = "" if bare[-1] in ".!?" else " " + ELLIPSIS
    return before + excerpt.strip() + after
