from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and workflow"

    def ready(self):
        from . import handoffs
        from .signals import article_transitioned, notice_issued

        article_transitioned.connect(
            handoffs.follow_the_workflow, dispatch_uid="articles.handoffs.workflow"
        )
        notice_issued.connect(
            handoffs.tell_authors_of_notice, dispatch_uid="articles.handoffs.notice"
        )
