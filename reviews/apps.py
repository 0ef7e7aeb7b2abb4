from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and board sign-off"

    def ready(self):
        from articles import desk
        from articles.signals import article_transitioned

        from . import desk_tasks
        from .rounds import follow_the_article
        from .services import follow_a_return

        article_transitioned.connect(follow_the_article, dispatch_uid="reviews.follow_the_article")
        article_transitioned.connect(follow_a_return, dispatch_uid="reviews.follow_a_return")
        for source in (desk_tasks.editor_tasks, desk_tasks.reviewer_tasks, desk_tasks.board_tasks):
            desk.register(source)
