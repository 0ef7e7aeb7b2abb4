"""Markdown bodies to safe HTML, with numbered citations.

Authors write CommonMark (plus tables) and cite references as [1], [2, 3] or
[1-3]. markdown-it-py parses with raw HTML switched off; a small inline rule
turns citations into superscript links; nh3 then sanitises the result, so
even a bug in our rendering cannot let markup through that the allow-list
does not name.
"""

import re
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.anchors import anchors_plugin

MAX_RANGE = 200  # a citation range never expands past the reference limit
# Citation numbers rendered as links per document; beyond it citations stay
# plain text, so a hostile body cannot blow up the page (or the server).
CITATION_BUDGET = 2_000

# Numbers joined by commas, hyphens or en dashes (U+2013) inside square brackets.
CITATION_RE = re.compile(r"\[(\d{1,4}(?:\s*[-\u2013,]\s*\d{1,4})*)\]")

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
    "ol": {"start"},
}


def expand_citation(label: str) -> list[int]:
    """'2, 3' -> [2, 3]; '1-3' -> [1, 2, 3]; '4-2' -> [2, 3, 4]. Each number
    once, in first-seen order, and never more than MAX_RANGE of them."""
    numbers: dict[int, None] = {}
    for part in label.split(","):
        bounds = [int(n) for n in re.split(r"\s*[-\u2013]\s*", part.strip()) if n]
        low, high = min(bounds), max(bounds)
        for number in range(low, min(high, low + MAX_RANGE) + 1):
            numbers.setdefault(number)
            if len(numbers) >= MAX_RANGE:
                return list(numbers)
    return list(numbers)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    end = match.end()
    if end < state.posMax and state.src[end] == "(":
        return False  # an ordinary link: [1](https://...)
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"numbers": expand_citation(match.group(1)), "label": match.group(0)}
    state.pos = end
    return True


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    explanation: str
    forms: tuple[str, ...]


def _glossary_markup(matched: str, entry: GlossaryEntry) -> str:
    # The explanation is in the text (screen readers and print get it); CSS
    # shows it on hover and keyboard focus.
    return (
        f'<span class="glossary" tabindex="0"><dfn>{escape(matched)}</dfn>'
        f'<span class="glossary-note"> ({escape(entry.explanation)})</span></span>'
    )


def _annotate_glossary(state) -> None:
    """Explain glossary terms inline: whole words, any case, the first time
    each term appears in a section, never in headings, links or code."""
    entries: list[GlossaryEntry] = state.env.get("glossary") or []
    if not entries:
        return
    by_form = {form.lower(): entry for entry in entries for form in entry.forms}
    forms = sorted(by_form, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(form) for form in forms) + r")(?!\w)", re.IGNORECASE
    )
    explained: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            explained = set()  # a new section explains its terms again
        if token.type != "inline" or (index and tokens[index - 1].type == "heading_open"):
            continue
        children, link_depth = [], 0
        for child in token.children or []:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth:
                children.append(child)
                continue
            children.extend(_split_text(child, pattern, by_form, explained))
        token.children = children


def _split_text(token, pattern, by_form, explained):
    from markdown_it.token import Token

    pieces, text, start = [], token.content, 0
    for match in pattern.finditer(text):
        entry = by_form[match.group(1).lower()]
        if entry.term in explained:
            continue
        explained.add(entry.term)
        if match.start() > start:
            pieces.append(Token("text", "", 0, content=text[start : match.start()]))
        pieces.append(Token("html_inline", "", 0, content=_glossary_markup(match.group(1), entry)))
        start = match.end()
    if not pieces:
        return [token]
    if start < len(text):
        pieces.append(Token("text", "", 0, content=text[start:]))
    return pieces


@dataclass
class _CitationContext:
    reference_count: int
    seen: dict[int, int] = field(default_factory=dict)
    cited: list[int] = field(default_factory=list)
    budget: int = CITATION_BUDGET
    id_prefix: str = ""  # when several versions share a page, their ids must differ


def _render_citation(self, tokens, idx, options, env) -> str:
    context: _CitationContext = env["citations"]
    numbers = tokens[idx].meta["numbers"]
    if len(numbers) > context.budget:
        return escape(tokens[idx].meta["label"])
    context.budget -= len(numbers)
    links = []
    for number in numbers:
        context.cited.append(number)
        if not 1 <= number <= context.reference_count:
            links.append(
                f'<span class="citation-missing" title="No reference {number}">{number}?</span>'
            )
            continue
        context.seen[number] = context.seen.get(number, 0) + 1
        anchor = f"{context.id_prefix}cite-{number}" if context.seen[number] == 1 else ""
        id_attr = f' id="{anchor}"' if anchor else ""
        links.append(
            f'<a href="#ref-{number}"{id_attr} aria-label="Reference {number}">{number}</a>'
        )
    return f'<sup class="citation">{",".join(links)}</sup>'


def _demote_top_headings(state) -> None:
    # The page title is the only h1, so body headings start at h2; where the
    # text sits under a lower heading (previews, board pages) they shift down.
    offset = state.env.get("heading_offset", 0)
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = max(2, int(token.tag[1])) + offset
            token.tag = f"h{min(level, 6)}"


def _prefix_section_ids(state) -> None:
    prefix = state.env.get("id_prefix", "")
    if not prefix:
        return
    for token in state.tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            token.attrSet("id", prefix + token.attrGet("id"))


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.core.ruler.push("demote_headings", _demote_top_headings)
    md.core.ruler.push("glossary", _annotate_glossary)
    md.add_render_rule("citation", _render_citation)
    anchors_plugin(md, min_level=2, max_level=4, slug_func=lambda text: "section-" + _slug(text))
    md.core.ruler.push("prefix_section_ids", _prefix_section_ids)
    return md


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


_PARSER = _build_parser()


@dataclass(frozen=True)
class RenderedBody:
    html: SafeString
    cited: tuple[int, ...]  # every citation in reading order, repeats included


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_body(
    markdown_text: str, reference_count: int, glossary: list[GlossaryEntry] | None = None
) -> RenderedBody:
    context = _CitationContext(reference_count=reference_count)
    env = {"citations": context, "glossary": glossary or []}
    html = _PARSER.render(markdown_text or "", env)
    return RenderedBody(html=mark_safe(sanitise(html)), cited=tuple(context.cited))


@dataclass(frozen=True)
class RenderedText:
    summary: SafeString
    body: SafeString
    cited: tuple[int, ...]

    @property
    def html(self) -> SafeString:  # the body, for callers that only show it
        return self.body


def render_text(
    summary: str,
    body: str,
    reference_count: int,
    *,
    glossary: list[GlossaryEntry] | None = None,
    id_prefix: str = "",
    heading_offset: int = 0,
) -> RenderedText:
    """Summary and body rendered together: one citation context, so each
    reference's first citation (the back-link target) has one id on the page."""
    context = _CitationContext(reference_count=reference_count, id_prefix=id_prefix)
    parts = []
    for text in (summary, body):
        env = {
            "citations": context,
            "glossary": glossary or [],
            "id_prefix": id_prefix,
            "heading_offset": heading_offset,
        }
        parts.append(mark_safe(sanitise(_PARSER.render(text or "", env))))
    return RenderedText(summary=parts[0], body=parts[1], cited=tuple(context.cited))


def render_plain(text: str) -> SafeString:
    """Summary-style text: paragraphs only, escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return mark_safe("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def cited_numbers(markdown_text: str) -> list[int]:
    """Reference numbers cited in the body, in order (not inside code)."""
    return list(render_body(markdown_text, reference_count=0).cited)
