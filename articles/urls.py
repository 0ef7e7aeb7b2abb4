from django.urls import path
from django.views.decorators.http import require_safe

from . import views, views_public
from .feeds import NewlyApprovedFeed

app_name = "articles"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("search/", views_public.search, name="search"),
    path("articles/<slug:slug>/", views_public.article_public, name="public"),
    path("articles/<slug:slug>/audience/", views_public.choose_audience, name="audience"),
    path("articles/<slug:slug>/question/", views_public.ask_question, name="question"),
    path("editorial-policy/", views_public.editorial_policy, name="policy"),
    path("editorial-policy/versions/", views_public.policy_versions, name="policy_versions"),
    path(
        "editorial-policy/versions/<int:number>/",
        views_public.policy_version,
        name="policy_version",
    ),
    path("feeds/approved/", require_safe(NewlyApprovedFeed()), name="feed"),
    path("desk/", views.desk, name="desk"),
    path("desk/articles/new/", views.article_create, name="create"),
    path("desk/articles/<int:pk>/", views.article_workspace, name="workspace"),
    path("desk/articles/<int:pk>/edit/", views.article_edit, name="edit"),
    path(
        "desk/articles/<int:pk>/actions/<slug:name>/",
        views.article_transition,
        name="transition",
    ),
    path("desk/articles/<int:pk>/compare/", views.revision_compare, name="compare"),
    path(
        "desk/articles/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision",
    ),
]
