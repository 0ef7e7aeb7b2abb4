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
        article_transitioned.connect(_article_changed, dispatch_uid="articles.page-cache")

        from django.conf import settings as django_settings

        from .page_cache import site_changed
        from .policy import EditorialPolicy

        # Public pages show the policy's settings and people's names.
        post_save.connect(site_changed, sender=EditorialPolicy, dispatch_uid="page-policy")
        post_save.connect(
            _person_saved, sender=django_settings.AUTH_USER_MODEL, dispatch_uid="page-people"
        )


def _person_saved(sender, *, update_fields=None, **kwargs):
    from .page_cache import site_changed

    # Signing in saves last_login only; that must not empty every page cache.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    site_changed()


def _article_changed(sender, *, article, **kwargs):
    from .page_cache import article_changed

    article_changed(article.slug)


def _reindex(sender, *, article, **kwargs):
    # Inside the transition's transaction: the index changes with the state.
    from .search import search_index_update

    search_index_update(article)
