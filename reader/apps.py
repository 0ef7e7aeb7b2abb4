from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader's site"

    def ready(self):
        from . import page_cache, search

        page_cache.connect_receivers()
        search.connect_receivers()
