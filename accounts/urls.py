from django.contrib.auth import views as auth_views
from django.urls import path

from . import forms, views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(form_class=forms.SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.sign_up, name="signup"),
    path("signup/<str:token>/", views.sign_up_finish, name="signup_finish"),
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
    path(
        "password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/email/", views.inbox_email, name="inbox_email"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="people_invite"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/roles/", views.change_role, name="person_roles"),
    path("people/<int:pk>/unlock/", views.unlock, name="person_unlock"),
]
