"""What the public article page shows: which revision, in which audience's
words, rendered once per (revision, audience) and cached."""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from accounts.models import AudienceLevel

from .models import Article, ArticleState, EditorialPolicy, GlossaryTerm, Revision
from .rendering import GlossaryEntry, render_body

AUDIENCE_COOKIE = "audience"
IN_PROGRESS = (
    ArticleState.SUBMITTED,
    ArticleState.UNDER_REVIEW,
    ArticleState.CHANGES_REQUESTED,
    ArticleState.BOARD_REVIEW,
)
GLOSSARY_VERSION_KEY = "glossary-version"


def shown_revision(article: Article, policy: EditorialPolicy) -> Revision:
    """The published revision if there is one; otherwise, when the policy
    lets readers see work in review, the latest submitted revision. Drafts,
    rejected and withdrawn articles are never public."""
    if article.published_revision_id and article.state in (ArticleState.APPROVED, *IN_PROGRESS):
        return article.published_revision
    if policy.public_in_review and article.state in IN_PROGRESS:
        current = article.current_revision
        if current is not None and current.is_frozen:
            return current
        latest = article.revisions.filter(submitted_at__isnull=False).order_by("-number").first()
        if latest is not None:
            return latest
    raise Http404("No public article here.")


def audience_for(request, article: Article) -> tuple[str, bool]:
    """(level, from_link): ?audience= wins (shareable links), then the signed-in
    reader's profile, then the visitor's cookie, then the article's own level."""
    levels = AudienceLevel.values
    chosen = request.GET.get("audience")
    if chosen in levels:
        return chosen, True
    user = request.user
    if user.is_authenticated and user.preferred_audience in levels:
        return user.preferred_audience, False
    if request.COOKIES.get(AUDIENCE_COOKIE) in levels:
        return request.COOKIES[AUDIENCE_COOKIE], False
    return article.primary_audience, False


def glossary_version() -> str:
    version = cache.get(GLOSSARY_VERSION_KEY)
    if version is None:
        # A fresh version orphans anything cached under an old one.
        cache.add(GLOSSARY_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(GLOSSARY_VERSION_KEY)
    return version


def glossary_changed(**kwargs) -> None:
    cache.set(GLOSSARY_VERSION_KEY, uuid.uuid4().hex, None)


def _glossary_entries() -> list[GlossaryEntry]:
    return [
        GlossaryEntry(term=t.term, explanation=t.explanation, forms=tuple(t.forms))
        for t in GlossaryTerm.objects.all()
    ]


@dataclass(frozen=True)
class RenderedText:
    summary: SafeString
    body: SafeString
    cited: frozenset[int]
    own_version: bool  # False: this level fell back to the professional text


def rendered_text(revision: Revision, audience: str, reference_count: int) -> RenderedText:
    """Render once per (revision, audience, glossary version). Published
    revisions never change, and the key names the revision and its content
    hash, so a new revision or glossary edit can never serve stale text."""
    key = f"article-html:{revision.pk}:{revision.content_hash}:{audience}:{glossary_version()}"
    cached = cache.get(key)
    if cached is None:
        summary, body, own = revision.text_for(audience)
        glossary = _glossary_entries() if audience == AudienceLevel.PATIENT else None
        summary_html = render_body(summary, reference_count, glossary)
        body_html = render_body(body, reference_count, glossary)
        cached = {
            "summary": str(summary_html.html),
            "body": str(body_html.html),
            "cited": sorted(set(summary_html.cited) | set(body_html.cited)),
            "own": own,
        }
        cache.set(key, cached, 60 * 60 * 24)
    return RenderedText(
        summary=mark_safe(cached["summary"]),  # sanitised by render_body before caching
        body=mark_safe(cached["body"]),
        cited=frozenset(cached["cited"]),
        own_version=cached["own"],
    )
