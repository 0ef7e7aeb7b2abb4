from django.contrib import admin

from .models import PendingEmail, PeriodicRun


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
    list_display = ("queued_at", "subject", "attempts", "next_attempt_at", "last_error")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("slot", "job", "enqueued_at")
    list_filter = ("job",)
