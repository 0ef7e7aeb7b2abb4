"""Markdown bodies to safe HTML, with numbered citations.

Authors write CommonMark (plus tables) and cite references as [1], [2, 3] or
[1-3]. markdown-it-pyrs (markdown-it compiled from Rust: 3 times faster than
the pure-Python port on an ordinary article, up to 50 times on the hostile
bodies of bench/text_paths.py, where the port takes many seconds; it has no
Python plugins, hence the pass below) renders with raw HTML switched off,
so any markup an author types arrives escaped. One pass over that output then
does our part: citations become superscript links, body headings move below
the page title and get ids, and glossary terms are explained. nh3 finally
sanitises the result, so even a bug in our code cannot let markup through
that the allow-list does not name.
"""

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it_pyrs import MarkdownIt

logger = logging.getLogger(__name__)

MAX_RANGE = 200  # a citation range never expands past the reference limit
# Glossary explanations per document (each section explains its terms
# again): a body of 10 000 short sections would otherwise grow forty-fold.
EXPLANATION_BUDGET = 1_000
# Citation numbers rendered as links per document; beyond it citations stay
# plain text, so a hostile body cannot blow up the page (or the server).
CITATION_BUDGET = 2_000

# Numbers joined by commas, hyphens or en dashes (U+2013) inside square
# brackets, and not the text of a link: "[1](https://...)".
CITATION_RE = re.compile(r"\[(\d{1,4}(?:\s*[-\u2013,]\s*\d{1,4})*)\](?!\()")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "sup",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
    "span", "del", "s", "dfn",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title", "aria-label"},
    "sup": {"id", "class"},
    "span": {"class", "title", "tabindex"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
}
# Built once: nh3 would otherwise convert the allow-lists on every call.
SANITISER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)
# Headings that get an id (after moving below the page title), for links
# to a section.
ANCHORED_LEVELS = range(2, 5)


def expand_citation(label: str) -> list[int]:
    """'2, 3' -> [2, 3]; '1-3' -> [1, 2, 3]; '4-2' -> [2, 3, 4]. Each number
    once, in first-seen order, and never more than MAX_RANGE of them."""
    if label.isdigit():
        return [int(label)]
    numbers: dict[int, None] = {}
    for part in label.split(","):
        bounds = [int(n) for n in re.split(r"\s*[-\u2013]\s*", part.strip()) if n]
        low, high = min(bounds), max(bounds)
        for number in range(low, min(high, low + MAX_RANGE) + 1):
            numbers.setdefault(number)
            if len(numbers) >= MAX_RANGE:
                return list(numbers)
    return list(numbers)


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    explanation: str
    forms: tuple[str, ...]


def term_anchor(term: str) -> str:
    """The id of a term's entry in a page's list of words ("define-..."); its
    first use in the text is "use-..."."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-") or "term"


class Glossary:
    """Terms to explain inline: whole words, any case, the first time each
    term appears in a section, never in headings, links or code.

    With `term_links`, each explained term is also a link to its entry in
    the list of words under the text (the reader page's "Words used in this
    article"), so touch and keyboard readers reach the definition without
    the paragraph moving; the first use of each term gets an id for the
    entry's link back."""

    def __init__(self, entries: list[GlossaryEntry], *, term_links: bool = False):
        self.term_links = term_links
        self.used: dict[str, GlossaryEntry] = {}  # explained terms, in order of first use
        self.by_form = {form.lower(): entry for entry in entries for form in entry.forms}
        self.term_count = len({entry.term for entry in self.by_form.values()})
        self.budget = EXPLANATION_BUDGET
        self.pattern = re.compile(
            r"(?<!\w)(" + _trie_pattern(self.by_form) + r")(?!\w)", re.IGNORECASE
        )

    def explain(self, text: str, explained: set[str]) -> str:
        """Plain `text` as HTML, with the terms not yet explained marked up."""
        if len(explained) >= self.term_count or self.budget <= 0:
            return html.escape(text, quote=False)  # nothing left to explain here
        pieces, start = [], 0
        for match in self.pattern.finditer(text):
            entry = self.by_form[match.group(1).lower()]
            if entry.term in explained:
                continue
            if self.budget <= 0:
                break
            self.budget -= 1
            explained.add(entry.term)
            # The explanation is in the text (screen readers and print get
            # it); CSS shows it on hover and keyboard focus.
            term = f"<dfn>{escape(match.group(1))}</dfn>"
            if self.term_links:
                anchor = term_anchor(entry.term)
                first = entry.term not in self.used
                id_attr = f' id="use-{anchor}"' if first else ""
                term = f'<a href="#define-{anchor}"{id_attr}>{term}</a>'
                opening = '<span class="glossary">'
            else:
                opening = '<span class="glossary" tabindex="0">'
            self.used.setdefault(entry.term, entry)
            pieces.append(
                f"{html.escape(text[start : match.start()], quote=False)}{opening}{term}"
                f'<span class="glossary-note"> ({escape(entry.explanation)})</span></span>'
            )
            start = match.end()
        pieces.append(html.escape(text[start:], quote=False))
        return "".join(pieces)


def _trie_pattern(forms) -> str:
    """A regex for any of `forms`, the longest first where several match, in
    the shape of a trie: "heart (?:attack|failure)" rather than "heart
    attack|heart failure". Python's regex engine tries every branch of a
    flat alternation at each position of the text, so a glossary of 3 000
    forms cost 3 000 tries per character (10 s on a long body); here a try
    follows one path of the trie."""
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a form ends here

    def branch(node: dict) -> str:
        alternatives = []
        for char in sorted(key for key in node if key):
            literal, child = char, node[char]
            while len(child) == 1 and "" not in child:  # a run with no fork
                ((char, child),) = child.items()
                literal += char
            alternatives.append(re.escape(literal) + branch(child))
        if not alternatives:
            return ""
        choice = alternatives[0] if len(alternatives) == 1 else "|".join(alternatives)
        # Optional where a shorter form ends: greedy, so longer forms go first.
        return f"(?:{choice})?" if "" in node else f"(?:{choice})"

    return branch(trie)


@dataclass
class _CitationContext:
    reference_count: int
    seen: dict[int, int] = field(default_factory=dict)
    cited: list[int] = field(default_factory=list)
    budget: int = CITATION_BUDGET
    id_prefix: str = ""  # when several versions share a page, their ids must differ

    def markup(self, label: str) -> str:
        if self.budget <= 0:
            return escape(label)  # spent: no need to expand the range first
        numbers = expand_citation(label[1:-1])
        if len(numbers) > self.budget:
            return escape(label)
        self.budget -= len(numbers)
        links = []
        for number in numbers:
            self.cited.append(number)
            if not 1 <= number <= self.reference_count:
                links.append(
                    f'<span class="citation-missing" title="No reference {number}">{number}?</span>'
                )
                continue
            self.seen[number] = self.seen.get(number, 0) + 1
            first = self.seen[number] == 1
            id_attr = f' id="{self.id_prefix}cite-{number}"' if first else ""
            links.append(
                f'<a href="#ref-{number}"{id_attr} aria-label="Reference {number}">{number}</a>'
            )
        return f'<sup class="citation">{",".join(links)}</sup>'


# CommonMark and tables, without raw HTML (typed markup stays visible text)
# and without link reference definitions, so "[1]: ..." never hides a line.
_PARSER = MarkdownIt("zero").enable_many(
    [
        "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
        "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
        "table",
    ]
)  # fmt: skip
# The parser's output split into tags and text. Raw HTML is off, so every
# "<" in text or in an attribute value arrives escaped and the split is exact.
_TAG = re.compile(r"(<[^>]*>)")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
# A bracket the author escaped ("\[1]") stays text, but the parser drops the
# backslash before our pass sees it. So the bracket is held as a private-use
# character behind its backslash (which keeps emphasis rules as they were)
# and put back afterwards: "[" in text, "\[" in code, where a backslash is
# literal.
_ESCAPED_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\\\[")
_HELD = "\ue000"
_HELD_BRACKET = "\\" + _HELD


# markdown-it-pyrs has no nesting limit of its own (markdown-it's presets
# stop at 20 or 100 levels): 100 000 quote markers crash the process on
# the parser's stack, and emphasis costs the square of the delimiters in a
# paragraph (25 000 nested pairs took 20 s). So, before parsing, a
# backslash goes before a line's 21st quote or list marker, and before each
# * and _ run in a block of lines with more than MAX_DELIMITER_RUNS of them:
# they then read as text. Nothing a real article comes near (inside code,
# where a backslash is literal, it would show), and linear when hostile.
MAX_NESTING = 20
MAX_DELIMITER_RUNS = 500
_MARKER = r"(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))"
_DEEP_LINE = re.compile(rf"^((?:[ \t]*{_MARKER}){{{MAX_NESTING}}}[ \t]*)(?={_MARKER})", re.M)
_BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
_ESCAPE_OR_RUN = re.compile(r"\\[\s\S]|\*+|_+")


def _is_delimiter(text: str, match: re.Match) -> bool:
    """An emphasis delimiter run: not a backslash escape, and not underscores
    inside a word (snake_case), which CommonMark never reads as emphasis."""
    run = match.group()
    if run[0] == "\\":
        return False
    if run[0] == "_":
        start, end = match.start(), match.end()
        inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
        return not inside
    return True


def _within_parser_limits(text: str) -> str:
    text = _DEEP_LINE.sub(r"\1\\", text)
    # Every run holds at least one * or _: a text with few of them has no
    # block past the limit, and that is nearly every real article.
    if text.count("*") + text.count("_") <= MAX_DELIMITER_RUNS:
        return text
    blocks = _BLANK_LINE.split(text)
    for index, block in enumerate(blocks):
        runs = [m for m in _ESCAPE_OR_RUN.finditer(block) if _is_delimiter(block, m)]
        if len(runs) > MAX_DELIMITER_RUNS:
            pieces, start = [], 0
            for run in runs:
                pieces.append(block[start : run.start()])
                pieces.append("".join("\\" + char for char in run.group()))
                start = run.end()
            pieces.append(block[start:])
            blocks[index] = "".join(pieces)
    return "".join(blocks)


def _parsed(text: str) -> str:
    """The parser's HTML for `text`. markdown-it-pyrs is a beta binding, and
    its Rust code panics on some inputs (a "[" followed later by a backtick
    that never closes, such as "[`a"). A panic arrives as pyo3's
    PanicException, a BaseException that Django's error handling does not
    catch, so it would take the worker down. Then the text is parsed again
    with every backtick escaped (code spans show as typed, which the author
    sees in the preview), and failing that shown as plain paragraphs."""
    try:
        return _PARSER.render(text)
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        logger.warning("The Markdown parser failed on a text; showing its backticks as typed.")
    try:
        return _PARSER.render(text.replace("`", "\\`"))
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        logger.warning("The Markdown parser failed again; showing the text unformatted.")
    return "".join(
        f"<p>{html.escape(paragraph)}</p>\n" for paragraph in _BLANK_LINE.split(text)[::2]
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def _unique_slug(text: str, taken: dict[str, int]) -> str:
    """ "section-risk", then "section-risk-1", ... Each base remembers where its
    numbering stopped, so thousands of same-named headings stay linear."""
    base = "section-" + _slug(text)
    slug, number = base, taken.get(base, 0)
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken[base] = number
    taken.setdefault(slug, 0)
    return slug


def _render(
    text: str,
    citations: _CitationContext,
    glossary: Glossary | None,
    heading_offset: int,
) -> str:
    """One document through the parser, then our pass over its output."""
    out: list[str] = []
    code = link = 0
    heading: tuple[int, int] | None = None  # (level, index in out) of an open heading
    heading_text: list[str] = []
    slugs: dict[str, int] = {}  # ids taken -> the next number to try after it
    explained: set[str] = set()
    text = _within_parser_limits(text.replace(_HELD, ""))
    held = "\\[" in text
    if held:
        text = _ESCAPED_BRACKET.sub(lambda match: match.group(1) + _HELD_BRACKET, text)
    for index, part in enumerate(_TAG.split(_parsed(text))):
        if index % 2:  # a tag
            if match := _HEADING_TAG.fullmatch(part):
                # The page title is the only h1, so body headings start at
                # h2; under a lower heading (previews, board pages) they shift.
                level = min(max(2, int(match.group(2))) + heading_offset, 6)
                if not match.group(1):
                    heading = (level, len(out))
                    heading_text = []
                    if level == min(2 + heading_offset, 6):
                        explained = set()  # a new section explains its terms again
                    part = f"<h{level}>"
                else:
                    if heading and level in ANCHORED_LEVELS:
                        slug = _unique_slug("".join(heading_text), slugs)
                        out[heading[1]] = f'<h{level} id="{citations.id_prefix}{slug}">'
                    heading = None
                    part = f"</h{level}>"
            elif part.startswith(("<code", "<pre")):
                code += 1
            elif part in ("</code>", "</pre>"):
                code -= 1
            elif part.startswith("<a "):
                link += 1
            elif part == "</a>":
                link -= 1
            out.append(part)
            continue
        if code or link or not part:
            if heading:
                heading_text.append(html.unescape(part))
            out.append(part.replace(_HELD_BRACKET, "\\[") if held and code else part)
            continue
        if "[" not in part and (glossary is None or heading):
            if heading:
                heading_text.append(html.unescape(part))
            out.append(part)
            continue
        plain, start = html.unescape(part), 0
        for match in CITATION_RE.finditer(plain):
            out.append(_plain(plain[start : match.start()], glossary, heading, explained))
            out.append(citations.markup(match.group(0)))
            start = match.end()
        out.append(_plain(plain[start:], glossary, heading, explained))
        if heading:
            heading_text.append(CITATION_RE.sub("", plain))
    rendered = "".join(out)
    if held:  # what is left is text, link text or a link's address
        rendered = rendered.replace(_HELD_BRACKET, "[").replace("%5C%EE%80%80", "%5B")
    return rendered


def _plain(text: str, glossary: Glossary | None, heading, explained: set[str]) -> str:
    if glossary is None or heading:
        return html.escape(text, quote=False)
    return glossary.explain(text, explained)


@dataclass(frozen=True)
class RenderedBody:
    html: SafeString
    cited: tuple[int, ...]  # every citation in reading order, repeats included


def sanitise(html: str) -> str:
    return SANITISER.clean(html)


def render_body(
    markdown_text: str, reference_count: int, glossary: list[GlossaryEntry] | None = None
) -> RenderedBody:
    text = render_text("", markdown_text, reference_count, glossary=glossary)
    return RenderedBody(html=text.body, cited=text.cited)


@dataclass(frozen=True)
class RenderedText:
    summary: SafeString
    body: SafeString
    cited: tuple[int, ...]
    # The glossary entries explained, in order of first use.
    terms: tuple[GlossaryEntry, ...] = ()


def render_text(
    summary: str,
    body: str,
    reference_count: int,
    *,
    glossary: list[GlossaryEntry] | None = None,
    id_prefix: str = "",
    heading_offset: int = 0,
    term_links: bool = False,
) -> RenderedText:
    """Summary and body rendered together: one citation context, so each
    reference's first citation (the back-link target) has one id on the page.
    `term_links`: glossary terms link to a list of words the page shows."""
    citations = _CitationContext(reference_count=reference_count, id_prefix=id_prefix)
    terms = Glossary(glossary, term_links=term_links) if glossary else None
    parts = [
        mark_safe(sanitise(_render(text or "", citations, terms, heading_offset)))
        for text in (summary, body)
    ]
    return RenderedText(
        summary=parts[0],
        body=parts[1],
        cited=tuple(citations.cited),
        terms=tuple(terms.used.values()) if terms else (),
    )


def cited_numbers(markdown_text: str) -> list[int]:
    """Reference numbers cited in the body, in order (not inside code)."""
    return list(render_body(markdown_text, reference_count=0).cited)


def glossary_used(entries: list[GlossaryEntry], texts: Sequence[str]) -> list[GlossaryEntry]:
    """The entries whose term or a synonym appears (whole word, any case) in
    any of `texts`, sorted by term: what a revision pins when submitted."""
    if not entries:
        return []
    matcher = Glossary(entries)
    used: dict[str, GlossaryEntry] = {}
    for text in texts:
        for match in matcher.pattern.finditer(text or ""):
            entry = matcher.by_form[match.group(1).lower()]
            used.setdefault(entry.term, entry)
    return [used[term] for term in sorted(used)]


def glossary_entry_dict(entry: GlossaryEntry) -> dict:
    return {"term": entry.term, "explanation": entry.explanation, "forms": list(entry.forms)}


def glossary_entries(pinned: Sequence[dict]) -> list[GlossaryEntry]:
    """Pinned entries (as stored with a revision) back to GlossaryEntry."""
    return [
        GlossaryEntry(term=e["term"], explanation=e["explanation"], forms=tuple(e["forms"]))
        for e in pinned
    ]
