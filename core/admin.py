from django.contrib import admin

from .models import PendingEmail


class ReadOnlyAdminMixin:
    """For records written only by the application's own services (role and
    profile changes, audit entries, frozen content, held emails): the admin
    shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingEmail)
class PendingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("failed_at", "subject", "attempts", "last_error")
