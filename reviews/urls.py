from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("desk/reviews/", views.my_reviews, name="mine"),
    path("desk/reviews/<int:assignment_id>/", views.assignment_detail, name="assignment"),
    path(
        "desk/reviews/<int:assignment_id>/respond/",
        views.assignment_respond,
        name="respond",
    ),
    path(
        "desk/reviews/<int:assignment_id>/conflict/",
        views.conflict_decide,
        name="conflict",
    ),
    path(
        "desk/reviews/<int:assignment_id>/more-time/",
        views.extension_ask,
        name="more_time",
    ),
    path(
        "desk/reviews/<int:assignment_id>/due-date/",
        views.review_due_date,
        name="due_date",
    ),
    path(
        "desk/reviews/extensions/<int:request_id>/",
        views.extension_answer,
        name="extension",
    ),
    path("desk/articles/<int:pk>/reviewers/", views.invite, name="invite"),
    path("desk/articles/<int:pk>/reviewers/again/", views.reinvite, name="reinvite"),
    path("desk/articles/<int:pk>/rounds/<int:number>/", views.round_detail, name="round"),
    path(
        "desk/articles/<int:pk>/rounds/<int:number>/decide/",
        views.round_decide,
        name="round_decide",
    ),
    path(
        "desk/articles/<int:pk>/rounds/<int:number>/close/",
        views.round_close,
        name="round_close",
    ),
    path(
        "desk/articles/<int:pk>/rounds/<int:number>/fewer-reviews/",
        views.round_fewer_reviews,
        name="round_fewer_reviews",
    ),
    path("desk/articles/<int:pk>/sign-off/", views.signoff, name="signoff"),
    path("desk/articles/<int:pk>/step-aside/", views.recuse, name="recuse"),
    path("desk/board/", views.board_queue, name="board_queue"),
]
