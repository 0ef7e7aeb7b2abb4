from django.contrib import admin
from django.db.models import Q

from articles.admin import DeskVisibilityMixin
from articles.models import review_records_hidden_from
from core.admin import ReadOnlyAdminMixin

from .models import (
    BoardRecusal,
    BoardSignoff,
    ExtensionRequest,
    ReminderSent,
    Review,
    ReviewAssignment,
    ReviewRound,
    SignoffWithdrawal,
)


@admin.register(BoardSignoff)
class BoardSignoffAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    article_path = "revision__article"
    list_display = ("signed_at", "signer_name", "signer", "revision", "content_hash")
    list_select_related = ("signer", "revision__article")


@admin.register(SignoffWithdrawal)
class SignoffWithdrawalAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    article_path = "signoff__revision__article"
    list_display = ("withdrawn_at", "signoff", "reason")
    list_select_related = ("signoff__signer", "signoff__revision__article")

    def visible_rows(self, rows, user):
        # Stepping aside declares a competing interest, a review record its
        # article's authors never read; a return is a workflow step they see.
        return (
            super()
            .visible_rows(rows, user)
            .exclude(
                Q(reason=SignoffWithdrawal.Reason.STEPPED_ASIDE)
                & review_records_hidden_from(user, article_path=self.article_path)
            )
        )


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    fields = ("reviewer", "status", "due_date", "has_conflict", "conflict_choice")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# Rounds, assignments and reviews change only through the review workflow
# (with its audit entries and emails); the admin shows them for reference.
@admin.register(ReviewRound)
class ReviewRoundAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    review_records = True
    list_display = ("article", "number", "revision", "opened_at", "closed_at", "decision")
    list_select_related = ("article", "revision")
    inlines = [AssignmentInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    review_records = True
    article_path = "round__article"
    list_display = ("reviewer", "round", "status", "due_date", "has_conflict")
    list_filter = ("status",)
    list_select_related = ("reviewer", "round__article")


@admin.register(Review)
class ReviewAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    review_records = True
    article_path = "assignment__round__article"
    list_display = ("assignment", "recommendation", "status", "submitted_at")
    list_select_related = ("assignment__reviewer", "assignment__round__article")


@admin.register(ReminderSent)
class ReminderSentAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    review_records = True
    article_path = "assignment__round__article"
    list_display = ("sent_at", "step", "assignment")
    list_select_related = ("assignment__reviewer", "assignment__round__article")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Asked on the reviewer's page and answered on the editor's, both audited.
    review_records = True
    article_path = "assignment__round__article"
    list_display = ("requested_at", "assignment", "requested_date", "status", "decided_by")
    list_filter = ("status",)
    list_select_related = ("assignment__reviewer", "assignment__round__article", "decided_by")


@admin.register(BoardRecusal)
class BoardRecusalAdmin(DeskVisibilityMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    review_records = True
    list_display = ("created_at", "member", "article")
    list_select_related = ("member", "article")
