from django.urls import path

from . import views, views_office

app_name = "articles"

urlpatterns = [
    path("desk/policy/", views.policy_edit, name="policy_edit"),
    path("desk/office/", views.office, name="office"),
    path("desk/glossary/", views_office.glossary, name="glossary"),
    path("desk/glossary/new/", views_office.glossary_edit, name="glossary_new"),
    path("desk/glossary/<int:pk>/", views_office.glossary_edit, name="glossary_edit"),
    path("desk/glossary/<int:pk>/delete/", views_office.glossary_delete, name="glossary_delete"),
    path("desk/audit/", views_office.audit, name="audit"),
    path("desk/audit.csv", views_office.audit_csv, name="audit_csv"),
    path("desk/questions/", views.reader_questions, name="questions"),
    path(
        "desk/questions/<int:pk>/handle/",
        views.reader_question_handle,
        name="question_handle",
    ),
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
