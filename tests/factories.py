import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from articles.models import EditorialPolicy
from reviews.services import invitation_accept, review_save, reviewers_invite

PASSWORD = "Correct-horse-battery-9"
# Every box of the sign-off form ticked: the signature statement and each version.
CONFIRM_ALL = {
    "confirm": "on",
    "confirm_professional": "on",
    "confirm_patient": "on",
    "confirm_student": "on",
}

# The editor's decisions after review: the policy's reviews come first.
DECISIONS_AFTER_REVIEW = {"send_to_board", "request_changes", "reject"}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def reference(n: int = 1) -> dict:
    return {
        "authors": f"Author{n} A, Colleague B",
        "title": f"A study of things number {n}",
        "journal": "J Test Med",
        "year": 2020,
        "pmid": str(1000 + n),
        "doi": f"10.1000/test.{n}",
        "url": "",
        "study_type": "cohort",
    }


def editor_payload(*, title, summary="", body="", references=(), seen_hash="", **extra) -> dict:
    """What the article editor form posts: the draft fields plus the
    reference formset's rows."""
    data = {
        "title": title,
        "primary_audience": "patient",
        "summary": summary,
        "body": body,
        "change_summary": "",
        "seen_hash": seen_hash,
        "refs-TOTAL_FORMS": str(len(references) + 1),
        "refs-INITIAL_FORMS": "0",
        "refs-MIN_NUM_FORMS": "0",
        "refs-MAX_NUM_FORMS": "1000",
    }
    for index, ref in enumerate(references):
        for key, value in ref.items():
            data[f"refs-{index}-{key}"] = "" if value is None else value
    data.update(extra)
    return data


def submit_required_reviews(article, *, editor, reviewers):
    """Bring the article's current round up to the policy's number of
    submitted reviews, through the real steps: the editor invites people from
    `reviewers` not yet in the round, each accepts and submits. Returns the
    fresh article."""
    review_round = article.current_round()
    missing = EditorialPolicy.current().reviewers_per_round - (
        review_round.submitted_reviews().count() if review_round else 0
    )
    if missing <= 0:
        return article
    in_round = set(review_round.assignments.values_list("reviewer", flat=True))
    fresh = [person for person in reviewers if person.pk not in in_round][:missing]
    assert len(fresh) == missing, "not enough reviewers to meet the policy"
    assignments = reviewers_invite(
        article=article,
        editor=editor,
        reviewers=fresh,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    for assignment in assignments:
        invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
        review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            submit=True,
            data={
                "recommendation": "approve",
                "comments_to_author": "Accurate and clear.",
                "claims_supported": True,
                "doses_checked": True,
                "audience_fit": True,
            },
        )
    article.refresh_from_db()
    return article


def legacy_withdrawn_draft(article, author):
    """A never-submitted draft withdrawn before drafts were deleted instead:
    such records exist from earlier versions and must stay private. Built
    as the old "withdraw" transition left it (state and audit entry)."""
    from articles.models import Article, ArticleState, AuditEntry

    Article.objects.filter(pk=article.pk).update(state=ArticleState.WITHDRAWN)
    AuditEntry.objects.create(
        article=article,
        revision=article.current_revision,
        actor=author,
        action="withdraw",
        from_state=ArticleState.DRAFT,
        to_state=ArticleState.WITHDRAWN,
    )
    article.refresh_from_db()
    return article
