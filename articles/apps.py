from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and workflow"

    def ready(self):
        from .page_cache import connect_receivers
        from .signals import article_transitioned

        article_transitioned.connect(_reindex, dispatch_uid="articles.search-index")
        connect_receivers()


def _reindex(sender, *, article, **kwargs):
    # Inside the transition's transaction: the index changes with the state.
    from .search import search_index_update

    search_index_update(article)
