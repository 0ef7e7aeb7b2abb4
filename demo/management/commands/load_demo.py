from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import User
from articles.models import Article, EditorialPolicy, GlossaryTerm
from articles.services import article_create
from demo.content import ARTICLES, DISCLOSURE, GLOSSARY, PASSWORD, PEOPLE
from reviews.models import ReviewAssignment
from reviews.services import (
    board_signoff_record,
    default_due_date,
    invitation_accept,
    review_save,
    reviewers_invite,
)


class Command(BaseCommand):
    help = "Load demo accounts and articles in several workflow states. Safe to run again."

    def handle(self, *args, **options):
        # The demo people are fictional: build their history without emailing them.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            people = self._people()
            policy = EditorialPolicy.current()
            policy.board_quorum = 2
            policy.save()
            for term, explanation, synonyms in GLOSSARY:
                GlossaryTerm.objects.get_or_create(
                    term=term, defaults={"explanation": explanation, "synonyms": synonyms}
                )
            created = 0
            for spec in ARTICLES:
                if Article.objects.filter(slug=spec["slug"]).exists():
                    continue
                self._article(spec, people)
                created += 1
        self.stdout.write(
            f"Demo data ready: {len(people)} accounts, {created} new articles "
            f"({Article.objects.count()} in all)."
        )

    def _people(self) -> dict[str, User]:
        people = {}
        for username, name, credentials, specialty, roles, staff in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "email": f"{username}@example.org",
                    "credentials": credentials,
                    "specialty": specialty,
                    "disclosure": DISCLOSURE,
                    "is_staff": staff,
                },
            )
            if created:
                user.set_password(PASSWORD)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=roles))
            people[username] = user
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"display_name": "Site administrator", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        people["admin"] = admin
        return people

    def _article(self, spec: dict, people: dict[str, User]) -> None:
        article = article_create(
            author=people[spec["author"]],
            title=spec["title"],
            primary_audience=spec["audience"],
            summary=spec["summary"],
            body=spec["body"],
            references=spec["references"],
            audience_versions={
                name: spec[name] for name in ("patient_summary", "patient_body") if name in spec
            },
        )
        # Fix the slug so re-runs recognise the article whatever slugify does.
        Article.objects.filter(pk=article.pk).update(slug=spec["slug"])
        for action, username, detail in spec["steps"]:
            article.refresh_from_db()
            person = people[username]
            if action == "sign":
                board_signoff_record(article=article, member=person, password=PASSWORD)
            elif action == "invite":
                reviewers_invite(
                    article=article,
                    editor=person,
                    reviewers=[people[name] for name in detail.split(",")],
                    due_date=default_due_date(),
                )
            elif action in {"accept", "review"}:
                assignment = ReviewAssignment.objects.filter(
                    round__article=article, reviewer=person
                ).latest("invited_at")
                if action == "accept":
                    invitation_accept(assignment=assignment, reviewer=person, has_conflict=False)
                else:
                    recommendation, comments = detail.split("|", 1)
                    review_save(
                        assignment=assignment,
                        reviewer=person,
                        submit=True,
                        data={
                            "recommendation": recommendation,
                            "comments_to_author": comments,
                            "claims_supported": True,
                            "doses_checked": True,
                            "audience_fit": True,
                        },
                    )
            else:
                article.fire(action, by=person, comment=detail)
