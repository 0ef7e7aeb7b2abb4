from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from accounts.models import AudienceLevel

from . import history, shared_cache, views
from .feeds import NewlyApprovedFeed

app_name = "reader"


class LevelConverter:
    """One of the three reading levels, as it appears in an article's address."""

    regex = "|".join(AudienceLevel.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LevelConverter, "level")

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/<slug:slug>/", views.article_public, name="public"),
    # Each reading level has its own address, the same page for every reader of it.
    path("articles/<slug:slug>/<level:level>/", views.article_public, name="level"),
    path("articles/<slug:slug>/history/", history.article_history, name="history"),
    path(
        "articles/<slug:slug>/versions/<int:number>/",
        history.article_version,
        name="version",
    ),
    path("articles/<slug:slug>/compare/", history.compare_versions, name="compare"),
    path("articles/<slug:slug>/approval.json", views.approval_json, name="approval_record"),
    path("articles/<slug:slug>/audience/", views.choose_audience, name="audience"),
    path("articles/<slug:slug>/question/", views.ask_question, name="question"),
    path("editorial-policy/", views.editorial_policy, name="policy"),
    path("editorial-policy/versions/", views.policy_versions, name="policy_versions"),
    path("editorial-policy/versions/<int:number>/", views.policy_version, name="policy_version"),
    path("board/", views.board_page, name="board"),
    path("feeds/approved/", require_safe(shared_cache.shareable(NewlyApprovedFeed())), name="feed"),
]
