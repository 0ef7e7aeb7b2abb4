from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from reader.feeds import sitemap

from . import views


def moved(old: str, new: str, name: str):
    """A permanent redirect from where an office or people page used to be,
    so staff bookmarks keep working; the query (an audit filter) goes along.
    Pages only: a form posted to an old address gets 405, not a redirect."""
    view = RedirectView.as_view(
        pattern_name=new, permanent=True, query_string=True, http_method_names=["get", "head"]
    )
    return path(old, view, name=name)


# The office and people pages were under /desk/ until they got their own apps.
MOVED = [
    moved("office/", "office:dashboard", "office"),
    moved("queue/", "office:queue", "queue"),
    moved("audit/", "office:audit", "audit"),
    moved("audit.csv", "office:audit_csv", "audit_csv"),
    moved("glossary/", "office:glossary", "glossary"),
    moved("glossary/new/", "office:glossary_new", "glossary_new"),
    moved("glossary/<int:pk>/", "office:glossary_edit", "glossary_edit"),
    moved("questions/", "office:questions", "questions"),
    moved("policy/", "office:policy", "policy"),
    moved("verification/", "office:verification", "verification"),
    moved("people/", "accounts:people", "people"),
    moved("people/<int:pk>/", "accounts:person", "person"),
]

urlpatterns = [
    # First: load balancers ask for it several times a second, and Django tries
    # the patterns in order (behind the three apps' lists it took 15 µs more).
    path("healthz", views.health, name="health"),
    path("", include("reader.urls")),
    path("", include("articles.urls")),
    path("", include("reviews.urls")),
    path("office/", include("office.urls")),
    path("accounts/", include("accounts.urls")),
    path("desk/", include((MOVED, "moved"))),
    # The admin's own password form would check the old password unthrottled;
    # staff change theirs on the site's form, which counts wrong ones.
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password_change")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
