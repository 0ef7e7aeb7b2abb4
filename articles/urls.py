from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/articles/new/", views.article_create, name="create"),
    path("desk/articles/<int:pk>/", views.article_workspace, name="workspace"),
    path("desk/articles/<int:pk>/edit/", views.article_edit, name="edit"),
    path(
        "desk/articles/<int:pk>/actions/<slug:name>/",
        views.article_transition,
        name="transition",
    ),
    path(
        "desk/articles/<int:pk>/actions/<slug:name>/confirm/",
        views.article_confirm,
        name="confirm",
    ),
    path(
        "desk/articles/<int:pk>/revision-due-date/",
        views.revision_due_date,
        name="revision_due_date",
    ),
    path(
        "desk/articles/<int:pk>/handling-editor/",
        views.handling_editor_take,
        name="handling_editor",
    ),
    path("desk/articles/<int:pk>/delete/", views.article_delete, name="delete"),
    path("desk/articles/<int:pk>/notices/new/", views.article_notice, name="notice"),
    path("desk/articles/<int:pk>/compare/", views.revision_compare, name="compare"),
    path("desk/articles/<int:pk>/discussions/new/", views.discussion_new, name="discussion_new"),
    path(
        "desk/articles/<int:pk>/discussions/<int:discussion_id>/",
        views.discussion_detail,
        name="discussion",
    ),
    path(
        "desk/articles/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision",
    ),
]
