from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using="default", apps=None, **kwargs):
    from django.apps import apps as global_apps

    from .roles import ensure_roles

    if global_apps.is_installed("reviews"):
        ensure_roles(global_apps, using=using)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        # After every migrate or flush, once the last app's tables exist.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
