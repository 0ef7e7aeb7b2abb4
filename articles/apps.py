from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and workflow"

    def ready(self):
        from .models import GlossaryTerm
        from .public import glossary_changed

        # Any glossary edit must show on the next page view: bump the version
        # that every cached rendering's key includes.
        post_save.connect(glossary_changed, sender=GlossaryTerm, dispatch_uid="glossary-saved")
        post_delete.connect(glossary_changed, sender=GlossaryTerm, dispatch_uid="glossary-gone")

        from .signals import article_transitioned

        article_transitioned.connect(_reindex, dispatch_uid="articles.search-index")


def _reindex(sender, *, article, **kwargs):
    # Inside the transition's transaction: the index changes with the state.
    from .search import search_index_update

    search_index_update(article)
