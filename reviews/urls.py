from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("desk/articles/<int:pk>/sign-off/", views.signoff, name="signoff"),
]
