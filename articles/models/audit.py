"""The audit trail, append-only, and which of its records a person may see."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.validators import refuse_control_characters
from core.models import AppendOnlyModel, AppendOnlyQuerySet

from ..rules import HANDLING_EDITOR
from ..states import ArticleState
from .article import Article
from .revision import Revision


def review_records_hidden_from(user, *, article_path: str = "article") -> Q:
    """Matches the records (reached through `article_path`) of articles
    `user` wrote, for `.exclude()` on review records: their authors never
    see who reviewed them. The query form of `rules.review_records_hidden`."""
    return Q(**{f"{article_path}__in": Article.objects.filter(authors=user).values("pk")})


# Peer-review steps that would tell authors who reviewed them, what each
# reviewer recommended and which competing interests were declared (by
# reviewers, or by board members stepping aside); authors see the workflow
# transitions instead.
REVIEWER_PRIVATE_ACTIONS = frozenset(
    {
        "reviewers_invited",
        "review_accepted",
        "review_declined",
        "review_submitted",
        "conflict_kept",
        "reviewer_replaced",
        "board_recused",
        # Discussions authors are not in: that a reviewer, the board or the
        # editors alone discussed the article, and who wrote, stays hidden.
        "review_discussion_started",
        "review_discussion_message",
        "extension_requested",
        "extension_granted",
        "extension_refused",
        "review_due_date_moved",
    }
)


# The review-side acts (reviews/services.py) that only the handling editor
# performs; with the editor's transitions they make up EDITOR_ACTIONS.
EDITOR_REVIEW_ACTIONS = frozenset(
    {
        "reviewers_invited",
        "conflict_kept",
        "reviewer_replaced",
        "round_closed",
        "fewer_reviews_accepted",
        "extension_granted",
        "extension_refused",
        "review_due_date_moved",
        "revision_due_date_changed",
    }
)
# Taking charge of an article (articles.services.handling_editor_take, or
# starting its review) is handling it too.
EDITOR_ACTIONS = (
    EDITOR_REVIEW_ACTIONS
    | {"handling_editor_taken"}
    | {
        name
        for name in Article.transition_methods()
        if Article.transition_spec(name).permission is HANDLING_EDITOR
    }
)


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def editor_acts(self) -> "AuditEntryQuerySet":
        """Entries that show their actor handled the article as its editor."""
        return self.filter(action__in=EDITOR_ACTIONS)

    def visible_to(self, user) -> "AuditEntryQuerySet":
        """Entries of articles the person may open in the desk, without the
        review steps of articles they wrote."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(article__in=Article.objects.visible_to(user)).exclude(
            Q(action__in=REVIEWER_PRIVATE_ACTIONS) & review_records_hidden_from(user)
        )


class AuditEntry(AppendOnlyModel):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="audit_entries")
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_state = models.CharField(max_length=20, choices=ArticleState.choices)
    to_state = models.CharField(max_length=20, choices=ArticleState.choices)
    comment = models.TextField(blank=True, max_length=5000, validators=[refuse_control_characters])
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.action}"

    @classmethod
    def note(cls, article: "Article", actor, action: str, comment: str, revision=None):
        """Record an event that does not change the article's state (a review
        step, a signature, a reader message handled)."""
        return cls.objects.create(
            article=article,
            revision=revision or article.current_revision,
            actor=actor,
            action=action,
            from_state=article.state,
            to_state=article.state,
            comment=comment,
        )

    @property
    def action_label(self) -> str:
        if self.action in Article.transition_methods():
            return Article.transition_spec(self.action).custom.get("label", self.action)
        return self.action.replace("_", " ").capitalize()
