from django.urls import path

from . import views_people

app_name = "people"

urlpatterns = [
    path("", views_people.people, name="list"),
    path("invite/", views_people.invite, name="invite"),
    path("<int:pk>/", views_people.person, name="person"),
    path("<int:pk>/roles/", views_people.change_role, name="role"),
    path("<int:pk>/unlock/", views_people.unlock, name="unlock"),
]
