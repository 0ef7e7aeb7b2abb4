from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from reader.feeds import sitemap

from . import views

urlpatterns = [
    path("", include("reader.urls")),
    path("", include("articles.urls")),
    path("", include("reviews.urls")),
    path("accounts/", include("accounts.urls")),
    path("desk/people/", include("accounts.urls_people")),
    # The admin's own password form would check the old password unthrottled;
    # staff change theirs on the site's form, which counts wrong ones.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
