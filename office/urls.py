from django.urls import path

from . import views

app_name = "office"

urlpatterns = [
    path("", views.office, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("audit/", views.audit, name="audit"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/new/", views.glossary_edit, name="glossary_new"),
    path("glossary/<int:pk>/", views.glossary_edit, name="glossary_edit"),
    path("glossary/<int:pk>/delete/", views.glossary_delete, name="glossary_delete"),
    path("questions/", views.reader_questions, name="questions"),
    path("questions/<int:pk>/handle/", views.reader_question_handle, name="question_handle"),
    path("policy/", views.policy_edit, name="policy"),
    path("verification/", views.verification, name="verification"),
    path("cited-studies/", views.source_alerts, name="source_alerts"),
    path("cited-studies/<int:pk>/", views.source_alert, name="source_alert"),
]
