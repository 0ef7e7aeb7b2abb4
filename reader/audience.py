"""Which reading level a reader gets: the patient, student or professional text."""

from accounts.models import AudienceLevel
from articles.models import Article

AUDIENCE_COOKIE = "audience"


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
