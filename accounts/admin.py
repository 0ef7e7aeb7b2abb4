from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdminMixin

from .models import DailyDigest, Invitation, Notification, ProfileChange, RoleChange, User
from .rules import is_site_administrator
from .services import profile_update


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

    # Roles change only on the People pages, which check who may change them
    # and keep a record (RoleChange); here they are shown, not edited, for
    # superusers too. Per-person permissions would be a role by another name.
    # Anything that would let an editor act as someone else (passwords, staff
    # or superuser status, usernames) is for superusers only: a board
    # signature is "re-enter your password", so password resets by editors
    # would let them sign as a board member.
    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "groups", "user_permissions"]
        if not is_site_administrator(request.user):
            readonly += [
                "username",
                "password",
                "is_staff",
                "is_active",
                "is_superuser",
                "last_login",
                "date_joined",
            ]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        pointer = format_html(
            'Roles are changed on <a href="{}">the page of {} in People and roles</a>, '
            "which records who changed what.",
            reverse("accounts:person", args=[obj.pk]),
            obj,
        )
        return [
            (name, {**options, "description": pointer})
            if "groups" in options.get("fields", ())
            else (name, options)
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if change:
            profile_update(by=request.user, person=obj)
        else:
            super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        people = super().get_queryset(request)
        return people if is_site_administrator(request.user) else people.filter(is_superuser=False)

    def user_change_password(self, request, id, form_url=""):
        if not is_site_administrator(request.user):
            raise PermissionDenied("Only a site administrator can set someone's password.")
        return super().user_change_password(request, id, form_url)

    def has_add_permission(self, request):
        return is_site_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_administrator(request.user)


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "person", "role", "granted", "changed_by")
    list_filter = ("role", "granted")


@admin.register(ProfileChange)
class ProfileChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "person", "field", "changed_by")
    list_filter = ("field",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "role", "invited_by", "used_at")
    readonly_fields = ("email", "role", "invited_by", "created_at", "used_at", "used_by")

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("subject", "recipient__username")


@admin.register(DailyDigest)
class DailyDigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "person", "notification_count", "sent_at")
