"""Which reading level a reader gets: the patient, student or professional text."""

from accounts.models import AudienceLevel
from articles.models import Article

AUDIENCE_COOKIE = "audience"
# Asked on every article request; AudienceLevel.values builds a new list each time.
LEVELS = frozenset(AudienceLevel.values)


def audience_for(request, article: Article, level: str | None = None) -> tuple[str, bool]:
    """(level, from_link): the level in the address wins (a level's own address,
    or ?audience= on the pages that have no per-level address), then the
    signed-in reader's profile, then the visitor's cookie, then the article's
    own level."""
    levels = LEVELS
    chosen = level or request.GET.get("audience")
    if chosen in levels:
        return chosen, True
    user = request.user
    if user.is_authenticated and user.preferred_audience in levels:
        return user.preferred_audience, False
    if request.COOKIES.get(AUDIENCE_COOKIE) in levels:
        return request.COOKIES[AUDIENCE_COOKIE], False
    return article.primary_audience, False
