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

# Numbers joined by commas, hyphens or en dashes (U+2013) inside square brackets.
CITATION_RE = re.compile(r"\[(\d{1,4}(?:\s*[-\u2013,]\s*\d{1,4})*)\]")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "sup",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
    "span", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title", "aria-label"},
    "sup": {"id", "class"},
    "span": {"class", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "ol": {"start"},
}


def expand_citation(label: str) -> list[int]:
    """'2, 3' -> [2, 3]; '1-3' -> [1, 2, 3]; '4-2' -> [2, 3, 4]."""
    numbers: list[int] = []
    for part in label.split(","):
        bounds = [int(n) for n in re.split(r"\s*[-\u2013]\s*", part.strip()) if n]
        if len(bounds) == 1:
            numbers.append(bounds[0])
        else:
            low, high = min(bounds), max(bounds)
            numbers.extend(range(low, min(high, low + MAX_RANGE) + 1))
    return numbers


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


@dataclass
class _CitationContext:
    reference_count: int
    seen: dict[int, int] = field(default_factory=dict)
    cited: list[int] = field(default_factory=list)


def _render_citation(self, tokens, idx, options, env) -> str:
    context: _CitationContext = env["citations"]
    links = []
    for number in tokens[idx].meta["numbers"]:
        context.cited.append(number)
        if not 1 <= number <= context.reference_count:
            links.append(
                f'<span class="citation-missing" title="No reference {number}">{number}?</span>'
            )
            continue
        context.seen[number] = context.seen.get(number, 0) + 1
        anchor = f"cite-{number}" if context.seen[number] == 1 else ""
        id_attr = f' id="{anchor}"' if anchor else ""
        links.append(
            f'<a href="#ref-{number}"{id_attr} aria-label="Reference {number}">{number}</a>'
        )
    return f'<sup class="citation">{",".join(links)}</sup>'


def _demote_top_headings(state) -> None:
    # The page title is the only h1; a "# Heading" in the body becomes an h2.
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag == "h1":
            token.tag = "h2"


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.core.ruler.push("demote_headings", _demote_top_headings)
    md.add_render_rule("citation", _render_citation)
    anchors_plugin(md, min_level=2, max_level=3, slug_func=lambda text: "section-" + _slug(text))
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


def render_body(markdown_text: str, reference_count: int) -> RenderedBody:
    context = _CitationContext(reference_count=reference_count)
    html = _PARSER.render(markdown_text or "", {"citations": context})
    return RenderedBody(html=mark_safe(sanitise(html)), cited=tuple(context.cited))


def render_plain(text: str) -> SafeString:
    """Summary-style text: paragraphs only, escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return mark_safe("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def cited_numbers(markdown_text: str) -> list[int]:
    """Reference numbers cited in the body, in order (not inside code)."""
    return list(render_body(markdown_text, reference_count=0).cited)
