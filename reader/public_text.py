"""The article's text as readers see it, in their audience's words,
rendered once per (revision, audience) and cached."""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from accounts.models import AudienceLevel
from articles.models import Revision
from articles.text.rendering import render_text, term_anchor

from .page_cache import RENDER_VERSION, glossary_version


@dataclass(frozen=True)
class PublicText:
    summary: SafeString
    body: SafeString
    cited: frozenset[int]
    own_version: bool  # False: this level fell back to the professional text
    audience: str = AudienceLevel.PROFESSIONAL.value
    # The pinned glossary entries the text explains, for the list of words
    # under it: dicts with term, explanation and anchor, in order of first use.
    words: tuple[dict, ...] = ()
    # (id, heading text) of each section, for the "On this page" contents.
    sections: tuple[tuple[str, str], ...] = ()
    # The short answer as plain text, for search engines and shared links.
    description: str = ""

    @property
    def version(self) -> str:
        """The written version being read (what signatures cover)."""
        return self.audience if self.own_version else AudienceLevel.PROFESSIONAL.value


def rendered_text(revision: Revision, audience: str, reference_count: int) -> PublicText:
    """Render once per (revision, content hash, audience, glossary version,
    rendering code version), so a new revision or a deploy can never show
    stale text. Terms are explained from the revision's pinned glossary."""
    key = (
        f"article-html:{RENDER_VERSION}:{revision.pk}:{revision.content_hash}:"
        f"{audience}:{glossary_version()}"
    )
    cached = cache.get(key) if settings.RENDER_CACHE else None
    if cached is None:
        summary, body, own = revision.text_for(audience)
        # The glossary entries pinned when the revision was submitted, never
        # the live glossary: an edit applies to later revisions only.
        glossary = revision.glossary_for(audience)
        text = render_text(summary, body, reference_count, glossary=glossary, term_links=True)
        cached = {
            "summary": str(text.summary),
            "body": str(text.body),
            "cited": sorted(set(text.cited)),
            "own": own,
            "words": [
                {"term": e.term, "explanation": e.explanation, "anchor": term_anchor(e.term)}
                for e in text.terms
            ],
            "sections": sections_of(str(text.body)),
            "description": plain_description(str(text.summary)),
        }
        if settings.RENDER_CACHE:
            cache.set(key, cached, 60 * 60 * 24)
    return PublicText(
        summary=mark_safe(cached["summary"]),  # sanitised by render_text before caching
        body=mark_safe(cached["body"]),
        cited=frozenset(cached["cited"]),
        own_version=cached["own"],
        audience=audience,
        words=tuple(cached["words"]),
        sections=tuple(tuple(section) for section in cached["sections"]),
        description=cached["description"],
    )


# The section headings the renderer gave ids (articles/text/rendering.py).
_SECTION = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
# What a plain-text summary leaves out: citation numbers and the glossary's
# inline explanations (the words are explained on the page itself).
_NOT_PROSE = re.compile(
    r'\s*<sup class="citation">.*?</sup>|<span class="glossary-note">.*?</span>', re.S
)
DESCRIPTION_LENGTH = 200  # search engines show about this much


def sections_of(body_html: str) -> list[tuple[str, str]]:
    return [
        (anchor, html.unescape(strip_tags(heading)).strip())
        for anchor, heading in _SECTION.findall(body_html)
    ]


def plain_description(summary_html: str) -> str:
    """The rendered short answer as one line of plain text, cut at a word
    boundary when long."""
    text = html.unescape(strip_tags(_NOT_PROSE.sub("", summary_html)))
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    cut = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"
