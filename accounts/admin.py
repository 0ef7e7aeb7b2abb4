from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "credentials", "email", "is_staff")
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("username", "display_name", "email", "specialty")

    def get_readonly_fields(self, request, obj=None):
        # Editors grant roles here; only a superuser may hand out superuser
        # status or one-off permissions that bypass the roles.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Public profile",
            {
                "fields": (
                    "display_name",
                    "credentials",
                    "specialty",
                    "bio",
                    "disclosure",
                    "preferred_audience",
                )
            },
        ),
    )
