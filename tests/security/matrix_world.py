"""The world the permission matrix runs in, and how to fill each URL."""

import datetime

from django.core import signing
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation, Role
from articles.models import DiscussionAudience, GlossaryTerm, ReaderQuestion, SourceAlert
from articles.services import article_create, discussion_start
from reviews.services import (
    extension_request,
    invitation_accept,
    reviewers_invite,
    round_allow_fewer_reviews,
)

from ..factories import UserFactory, reference, submit_required_reviews

ROLES = [
    "anonymous",
    "author",
    "other_author",
    "reviewer_not_invited",
    "invited_reviewer",
    "editor",
    "board_member",
]
# The Django admin is Django's own, with its own permission tests (test_admin.py).
SKIPPED_NAMESPACES = {"admin"}


def url_names() -> list[str]:
    names = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


KWARG_SHAPES = [(), ("pk",), ("slug",), ("number",), ("pk", "number"), ("pk", "name"),
                ("assignment_id",), ("token",), ("slug", "number"),
                ("pk", "discussion_id"), ("request_id",), ("slug", "level")]  # fmt: skip


def url_for(name: str, kwargs: dict, special: dict) -> str:
    """The URL of `name`, filled from `kwargs` (or `special[name]`, where a
    pk means something other than the article)."""
    merged = {**kwargs, **special.get(name, {})}
    for keys in KWARG_SHAPES:
        if not set(keys) <= merged.keys():
            continue
        try:
            return reverse(name, kwargs={key: merged[key] for key in keys})
        except NoReverseMatch:
            continue
    raise AssertionError(f"No way to build a URL for {name}")


def build_world():
    people = {
        "author": UserFactory(username="author", roles=[Role.AUTHOR]),
        "other_author": UserFactory(username="other", roles=[Role.AUTHOR]),
        "reviewer_not_invited": UserFactory(username="outsider", roles=[Role.REVIEWER]),
        "invited_reviewer": UserFactory(username="invited", roles=[Role.REVIEWER]),
        "editor": UserFactory(username="editor", roles=[Role.EDITOR]),
        "board_member": UserFactory(username="board", roles=[Role.BOARD]),
    }

    def new_article(title):
        return article_create(
            author=people["author"], title=title, primary_audience="patient",
            summary="S.", body="B [1].", references=[reference(1)],
        )  # fmt: skip

    actors = {"editor": people["editor"]}
    published = new_article("Published?")
    published = published.fire("submit", by=people["author"])
    published = published.fire("start_review", by=actors["editor"])
    # Reviewed by people outside the roles under test, so the published
    # article's review does not change what they may see.
    published = submit_required_reviews(
        published,
        editor=actors["editor"],
        reviewers=[
            UserFactory(username=f"published-reviewer-{n}", roles=[Role.REVIEWER]) for n in (1, 2)
        ],
    )
    published = published.fire("send_to_board", by=actors["editor"])
    from reviews.services import board_signoff_record

    from ..factories import PASSWORD

    published = board_signoff_record(
        article=published, member=people["board_member"], password=PASSWORD
    )
    article = new_article("In review?").fire("submit", by=people["author"])
    (assignment,) = reviewers_invite(
        article=article, editor=people["editor"], reviewers=[people["invited_reviewer"]],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    invitation_accept(
        assignment=assignment, reviewer=people["invited_reviewer"], has_conflict=False
    )
    # The invited reviewer asked for more time; the editor has not answered.
    extension = extension_request(
        assignment=assignment, reviewer=people["invited_reviewer"],
        due_date=assignment.due_date + datetime.timedelta(days=7), reason="Away next week.",
    )  # fmt: skip
    # The editor may decide this round (the matrix posts "request_changes"
    # with no letter and expects the form error, not the missing reviews).
    round_allow_fewer_reviews(
        review_round=assignment.round, editor=people["editor"], reason="One reviewer suffices."
    )
    # The invited reviewer's thread with the editors: nobody else may know of it.
    discussion = discussion_start(
        article=article, user=people["editor"], audience=DiscussionAudience.REVIEWER,
        reviewer=people["invited_reviewer"], subject="Your review", text="A question.",
    )  # fmt: skip
    term = GlossaryTerm.objects.create(term="dose", explanation="how much")
    question = ReaderQuestion.objects.create(
        article=published, revision=published.published_revision, audience="patient",
        question="Why?",
    )  # fmt: skip
    invitation = Invitation.objects.create(
        email="new@example.org", role=Role.REVIEWER, invited_by=people["editor"]
    )
    kwargs = {
        "pk": article.pk,
        "number": 1,
        "name": "request_changes",
        "slug": published.slug,
        "level": "student",
        "assignment_id": assignment.pk,
        "discussion_id": discussion.pk,
        "request_id": extension.pk,
        "token": signing.dumps(invitation.pk, salt="accounts.invitation"),
    }
    # The invitation told the invited reviewer: their own inbox entry.
    (notice,) = people["invited_reviewer"].notifications.filter(kind="review_invited")
    # A retraction the watch found in a study the published article cites.
    alert = SourceAlert.objects.create(
        article=published, reference=published.current_revision.references.get(),
        kind="retraction", source="Crossref", found_at=timezone.now(),
    )  # fmt: skip
    special = {  # URL names whose pk means something other than the article
        "office:source_alert": {"pk": alert.pk},
        "accounts:inbox_open": {"pk": notice.pk},
        "accounts:person": {"pk": people["author"].pk},
        "accounts:person_roles": {"pk": people["author"].pk},
        "accounts:person_unlock": {"pk": people["author"].pk},
        "office:glossary_edit": {"pk": term.pk},
        "articles:notice": {"pk": published.pk},  # notices go on published articles
        "articles:confirm": {"name": "withdraw"},  # the one action that asks "are you sure?"
        "office:glossary_delete": {"pk": term.pk},
        "office:question_handle": {"pk": question.pk},
        "moved:person": {"pk": people["author"].pk},
        "moved:glossary_edit": {"pk": term.pk},
        "accounts:signup_finish": {
            "token": signing.dumps("joining@example.org", salt="accounts.signup")
        },
    }
    return people, kwargs, special


__all__ = ["ROLES", "build_world", "url_for", "url_names"]
