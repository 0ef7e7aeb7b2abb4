from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and board sign-off"

    def ready(self):
        from articles.signals import article_transitioned

        from .rounds import follow_the_article

        article_transitioned.connect(follow_the_article, dispatch_uid="reviews.follow_the_article")
