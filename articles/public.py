"""What the public article page shows: which revision, in which audience's
words, rendered once per (revision, audience) and cached."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from accounts.models import AudienceLevel

from .models import Article, ArticleState, EditorialPolicy, GlossaryTerm, Revision
from .text.rendering import GlossaryEntry, render_text

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
    # After commit: bumping earlier would let another process re-cache the old
    # terms under the new version before the change is visible to it.
    transaction.on_commit(lambda: cache.set(GLOSSARY_VERSION_KEY, uuid.uuid4().hex, None))


def _glossary_entries() -> list[GlossaryEntry]:
    return [
        GlossaryEntry(term=t.term, explanation=t.explanation, forms=tuple(t.forms))
        for t in GlossaryTerm.objects.all()
    ]


# Part of every cache key: bump it when the rendering or sanitising code
# changes, so a deploy never serves HTML made by the old code.
RENDER_VERSION = "4"


@dataclass(frozen=True)
class PublicText:
    summary: SafeString
    body: SafeString
    cited: frozenset[int]
    own_version: bool  # False: this level fell back to the professional text


def rendered_text(revision: Revision, audience: str, reference_count: int) -> PublicText:
    """Render once per (revision, content hash, audience, glossary version,
    rendering code version), so a new revision, a glossary edit or a deploy
    can never show stale text."""
    key = (
        f"article-html:{RENDER_VERSION}:{revision.pk}:{revision.content_hash}:"
        f"{audience}:{glossary_version()}"
    )
    cached = cache.get(key) if settings.RENDER_CACHE else None
    if cached is None:
        summary, body, own = revision.text_for(audience)
        glossary = _glossary_entries() if audience == AudienceLevel.PATIENT else None
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
    )
