from django.contrib import admin

from articles.admin import ReadOnlyAdminMixin

from .models import BoardSignoff


@admin.register(BoardSignoff)
class BoardSignoffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("signed_at", "signer", "revision", "content_hash")
    list_select_related = ("signer", "revision__article")
