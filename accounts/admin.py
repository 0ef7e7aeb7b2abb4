from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from .models import Invitation, RoleChange, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "credentials", "email", "is_staff")
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("username", "display_name", "email", "specialty")
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

    # Editors grant roles to other people here. Anything that would let an
    # editor act as someone else (passwords, staff or superuser status,
    # usernames) or change their own roles is for superusers only: a board
    # signature is "re-enter your password", so password resets by editors
    # would let them sign as a board member.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [
                "username",
                "password",
                "is_staff",
                "is_active",
                "is_superuser",
                "user_permissions",
                "last_login",
                "date_joined",
            ]
            if obj is not None and obj.pk == request.user.pk:
                readonly.append("groups")
        return readonly

    def get_queryset(self, request):
        people = super().get_queryset(request)
        return people if request.user.is_superuser else people.filter(is_superuser=False)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied("Only a site administrator can set someone's password.")
        return super().user_change_password(request, id, form_url)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "person", "role", "granted", "changed_by")
    list_filter = ("role", "granted")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "role", "invited_by", "used_at")
    readonly_fields = ("email", "role", "invited_by", "created_at", "used_at", "used_by")

    def has_add_permission(self, request):
        return False
