from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from accounts.rules import is_site_administrator
from core.admin import ReadOnlyAdminMixin

from .models import (
    Article,
    ArticleNotice,
    AuditEntry,
    Discussion,
    DiscussionMessage,
    DiscussionReading,
    EditorialPolicy,
    GlossaryTerm,
    PolicyVersion,
    ReaderQuestion,
    Reference,
    ReferenceCheck,
    Revision,
    RevisionReminderSent,
    SourceAlert,
    SourceResponse,
    review_records_hidden_from,
)


class DeskVisibilityMixin:
    """The admin shows a person what the editorial desk would: no author's
    unsubmitted draft (nor its references or audit entries) and no review
    records of an article they wrote (reviewer names, recommendations,
    declared conflicts, confidential comments). Superusers, who run the site
    and its database, see every row.

    Records reached through an article name the path (`article_path`) and
    say whether they are review records; models whose queryset has a
    `visible_to(user)` (the desk's own rule) override `visible_rows`."""

    article_path = "article"
    review_records = False

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if is_site_administrator(request.user):
            return rows
        return self.visible_rows(rows, request.user)

    def visible_rows(self, rows, user):
        rows = rows.filter(**{f"{self.article_path}__in": Article.objects.visible_to(user)})
        if self.review_records:
            rows = rows.exclude(review_records_hidden_from(user, article_path=self.article_path))
        return rows


class DeskQuerySetMixin(DeskVisibilityMixin):
    def visible_rows(self, rows, user):
        return rows.visible_to(user)


@admin.register(Article)
class ArticleAdmin(DeskQuerySetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Title, authors and state change only through the desk's audited
    # services and transitions; the admin shows articles for reference.
    list_display = ("title", "state", "primary_audience", "approved_at", "updated_at")
    list_filter = ("state", "primary_audience")
    search_fields = ("title", "slug")
    readonly_fields = (
        "state",
        "workflow_link",
        "current_revision",
        "published_revision",
        "submitted_at",
        "under_review_at",
        "approved_at",
        "next_review_due",
        "handling_editor",
    )

    @admin.display(description="Workflow")
    def workflow_link(self, obj):
        # State moves only through the declared transitions, which the
        # workspace offers with their permission checks and audit entries.
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">Open the workspace to move this article on</a>',
            reverse("articles:workspace", args=[obj.pk]),
        )


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Revision)
class RevisionAdmin(DeskQuerySetMixin, admin.ModelAdmin):
    list_display = ("article", "number", "author", "created_at", "submitted_at")
    list_select_related = ("article", "author")
    search_fields = ("article__title", "title")
    readonly_fields = ("article", "number", "author", "content_hash", "submitted_at", "approved_at")
    inlines = [ReferenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(DeskQuerySetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "article", "actor", "action", "from_state", "to_state")
    list_filter = ("action", "to_state")
    list_select_related = ("article", "actor")
    search_fields = ("article__title", "comment", "actor__username")


@admin.register(ArticleNotice)
class ArticleNoticeAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Published from the article's notice page, which audits them; public anyway.
    list_display = ("created_at", "article", "kind", "issued_by")
    list_filter = ("kind",)
    list_select_related = ("article", "issued_by")


@admin.register(SourceAlert)
class SourceAlertAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Raised by the retraction watch and cleared from /office/cited-studies/,
    # both audited.
    list_display = ("found_at", "article", "kind", "notice_date", "source", "cleared_at")
    list_filter = ("kind", "source")
    list_select_related = ("article",)


@admin.register(ReferenceCheck)
class ReferenceCheckAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Written by the submission check and its later runs (articles/reference_checks.py).
    article_path = "reference__revision__article"
    list_display = ("reference", "status", "source", "attempts", "checked_at")
    list_filter = ("status", "source")
    list_select_related = ("reference",)


@admin.register(SourceResponse)
class SourceResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # PubMed's and Crossref's public answers, kept to spare their services.
    list_display = ("url", "status", "fetched_at")
    list_filter = ("status",)
    search_fields = ("url",)


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Changes go through the desk's policy page, which keeps every version.
    pass


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "created_at", "changed_by", "note")


@admin.register(RevisionReminderSent)
class RevisionReminderSentAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_at", "article", "due_date", "step")
    list_select_related = ("article",)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term", "explanation", "synonyms", "updated_at")
    search_fields = ("term", "synonyms", "explanation")


@admin.register(ReaderQuestion)
class ReaderQuestionAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Handled on the desk's reader-question page, which records who handled
    # each message in the audit log; here they are for reference only.
    list_display = ("created_at", "article", "kind", "audience", "handled_at")
    list_filter = ("kind", "audience")
    list_select_related = ("article",)

    def visible_rows(self, rows, user):
        # As on the desk: messages about an editor's own article are another editor's.
        return rows.filter(article__in=Article.objects.handleable_by(user))


@admin.register(Discussion)
class DiscussionAdmin(DeskQuerySetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Started and written in on the desk's discussion pages, which audit and
    # tell the people in them; shown here only to those in each thread.
    list_display = ("created_at", "article", "subject", "audience", "started_by")
    list_filter = ("audience",)
    list_select_related = ("article", "started_by")


class InVisibleDiscussionMixin:
    """Rows of threads the person is in (`rules.may_read_discussion`'s query form)."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if is_site_administrator(request.user):
            return rows
        return rows.filter(discussion__in=Discussion.objects.visible_to(request.user))


@admin.register(DiscussionMessage)
class DiscussionMessageAdmin(InVisibleDiscussionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "discussion", "author", "revision")
    list_select_related = ("discussion__article", "author", "revision")


@admin.register(DiscussionReading)
class DiscussionReadingAdmin(InVisibleDiscussionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("read_at", "discussion", "reader")
    list_select_related = ("discussion__article", "reader")
