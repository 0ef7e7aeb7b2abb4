"""The article's text as readers see it, in their audience's words,
rendered once per (revision, audience) and cached."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from accounts.models import AudienceLevel
from articles.models import Revision
from articles.text.rendering import render_text

from .page_cache import RENDER_VERSION, glossary_version


@dataclass(frozen=True)
class PublicText:
    summary: SafeString
    body: SafeString
    cited: frozenset[int]
    own_version: bool  # False: this level fell back to the professional text
    audience: str = AudienceLevel.PROFESSIONAL.value

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
        text = render_text(summary, body, reference_count, glossary=glossary)
        cached = {
            "summary": str(text.summary),
            "body": str(text.body),
            "cited": sorted(set(text.cited)),
            "own": own,
        }
        if settings.RENDER_CACHE:
            cache.set(key, cached, 60 * 60 * 24)
    return PublicText(
        summary=mark_safe(cached["summary"]),  # sanitised by render_text before caching
        body=mark_safe(cached["body"]),
        cited=frozenset(cached["cited"]),
        own_version=cached["own"],
        audience=audience,
    )
