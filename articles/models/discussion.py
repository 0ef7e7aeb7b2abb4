"""Discussions about an article: threads with an audience fixed when they
start, whose messages are a record (a correction is a new message).

Who reads a thread is one rule, `rules.may_read_discussion`; its two query
forms are here: `DiscussionQuerySet.visible_to(user)` (the threads a
person reads; `Discussion.participants()`, the people told about a
message, asks the predicate itself of each candidate).
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.validators import refuse_control_characters, refuse_control_characters_and_line_breaks
from core.models import AppendOnlyModel, AppendOnlyQuerySet

from ..rules import is_handling_editor, may_read_discussion
from ..states import DiscussionAudience as Audience
from ..text.rendering import render_text
from .article import Article
from .revision import Revision

MESSAGE_MAX_LENGTH = 10_000
SUBJECT_MAX_LENGTH = 200


class DiscussionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DiscussionQuerySet":
        """The threads `user` reads: the query form of
        `rules.may_read_discussion` (and the twin of
        `Discussion.participants`). Built from the query forms of the rules
        that predicate calls: `handleable_by` (is_handling_editor),
        the author list (is_author_of), `invited_to_review` (holds_review_invitation)
        and `signable_by` (is_independent_board_member)."""
        if not user.is_authenticated:
            return self.none()
        articles = Article.objects
        allowed = (
            Q(article__in=articles.handleable_by(user).values("pk"))
            | Q(audience=Audience.AUTHORS, article__in=articles.filter(authors=user).values("pk"))
            | Q(
                audience=Audience.REVIEWER,
                reviewer=user,
                article__in=articles.invited_to_review(user).values("pk"),
            )
            | Q(audience=Audience.BOARD, article__in=articles.signable_by(user).values("pk"))
        )
        return self.filter(allowed)

    def with_activity_for(self, user) -> "DiscussionQuerySet":
        """Each thread with its number of messages, the time of the last one
        and how many of the others' messages `user` has not opened yet."""
        last_read = DiscussionReading.objects.filter(discussion=OuterRef("pk"), reader=user).values(
            "read_at"
        )[:1]
        return (
            self.select_related("article", "reviewer", "started_by")
            .annotate(
                message_count=Count("messages", distinct=True),
                last_message_at=Max("messages__created_at"),
                seen_until=Subquery(last_read),
            )
            .annotate(
                unread_count=Count(
                    "messages",
                    filter=~Q(messages__author=user)
                    & (Q(seen_until__isnull=True) | Q(messages__created_at__gt=F("seen_until"))),
                    distinct=True,
                )
            )
            .order_by("-last_message_at", "-pk")
        )


class Discussion(models.Model):
    """A thread about one article, between the editors handling it and the
    audience chosen at its start."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="discussions")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    # The one reviewer of an "editors and one reviewer" thread; empty otherwise.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewer_discussions",
    )
    subject = models.CharField(
        max_length=SUBJECT_MAX_LENGTH, validators=[refuse_control_characters_and_line_breaks]
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience=Audience.REVIEWER, reviewer__isnull=False)
                | (~Q(audience=Audience.REVIEWER) & Q(reviewer__isnull=True)),
                name="discussion_reviewer_only_in_reviewer_thread",
            )
        ]

    def __str__(self) -> str:
        return f"“{self.subject}” on “{self.article}”"

    def get_absolute_url(self) -> str:
        return reverse("articles:discussion", args=[self.article_id, self.pk])

    def participants(self) -> list[User]:
        """The people who read this thread, as `rules.may_read_discussion`
        answers for each person who could be in a thread of the article:
        active editors who did not write it, its authors, the thread's
        reviewer and the active board members. (Site administrators without
        the Editor role may read a thread but are not counted in it.) The
        twin of `DiscussionQuerySet.visible_to`; tests hold the two together."""
        article = self.article
        candidates = User.objects.filter(
            Q(
                pk__in=User.objects.acting_in(Role.EDITOR)
                .exclude(authored_articles=article)
                .values("pk")
            )
            | Q(pk__in=article.authors.values("pk"))
            | Q(pk__in=User.objects.acting_in(Role.BOARD).values("pk"))
            | Q(pk=self.reviewer_id),
            is_active=True,
        ).order_by("pk")
        return [person for person in candidates if may_read_discussion(person, self)]

    def people_to_tell(self) -> list[User]:
        """Who hears of a new message: everyone in the thread, except that
        once the article has a handling editor the other editors hear only
        of threads they have written in (as with hand-offs,
        `Article.editors_to_notify`)."""
        editors_told = {editor.pk for editor in self.article.editors_to_notify()}
        wrote = set(self.messages.values_list("author_id", flat=True))
        return [
            person
            for person in self.participants()
            if not is_handling_editor(person, self.article)
            or person.pk in editors_told
            or person.pk in wrote
        ]


class DiscussionMessage(AppendOnlyModel):
    """One message in a thread, tied to the revision that was current when
    it was written. A record: a correction is a new message."""

    discussion = models.ForeignKey(Discussion, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(
        max_length=MESSAGE_MAX_LENGTH,
        validators=[refuse_control_characters],
        help_text="Markdown; shown through the same sanitiser as articles.",
    )
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} in {self.discussion}"

    @property
    def rendered(self):
        """The text as safe HTML, through the articles' path (Markdown with
        raw HTML off, then nh3); its headings sit below the thread's own."""
        return render_text("", self.text, 0, heading_offset=2, id_prefix=f"message-{self.pk}-").body


class DiscussionReading(models.Model):
    """How far a person has read a thread, for its count of new messages."""

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["discussion", "reader"], name="one_reading_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read {self.discussion} until {self.read_at}"
