"""`manage.py load_demo`: the demo accounts and an archive whose history
happened over the past months. Every step runs through the services, as real
work does, at its own moment of the past: time-machine (a dev dependency,
like the demo itself) moves the clock for each step, so audit entries,
rounds, reviews, signatures and notices carry believable dates while the
append-only records are written once, as always."""

import datetime

import time_machine
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Notification, User
from articles.models import (
    AUDIENCE_FIELDS,
    Article,
    EditorialPolicy,
    GlossaryTerm,
    ReaderQuestion,
)
from articles.services import (
    REFERENCE_FIELDS,
    article_create,
    article_notice_issue,
    discussion_post,
    discussion_start,
    reader_question_handle,
    revision_save_draft,
    source_alerts_check,
)
from core.models import PendingEmail
from demo.content import ARTICLES, DISCLOSURE, GLOSSARY, PASSWORD, PEOPLE
from demo.recorded import recorded_lookup
from reader.models import PublicArticle
from reviews.models import ReviewAssignment
from reviews.services import (
    board_signoff_record,
    default_due_date,
    extension_request,
    invitation_accept,
    invitation_decline,
    review_save,
    reviewers_invite,
)

# Signing re-checks the signer's password, and the real hasher is slow on
# purpose: with it, the demo's thirty-odd signatures would take ten seconds.
# While the history is built the demo accounts carry a fast hash; at the end
# they all get one real hash of the demo password (which is public anyway).
BUILD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The people joined before the oldest article was started.
JOINED_DAYS_AGO = 300
# Office hours: each step happens between 09:00 and 16:00 local time, and the
# steps of one day follow each other by STEP_GAP.
STEP_GAP = datetime.timedelta(minutes=37)
# When the demo's retraction watch ran and found the retracted study.
WATCH_RAN_DAYS_AGO = 2


class Command(BaseCommand):
    help = (
        "Load demo accounts and an archive of articles whose histories spread over "
        "the past months, in every workflow state. Safe to run again."
    )

    def handle(self, *args, **options):
        slugs = [spec["slug"] for spec in ARTICLES]
        loaded = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [spec for spec in ARTICLES if spec["slug"] not in loaded]
        now = timezone.now()
        # The demo people are fictional: build their history without emailing them.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                PASSWORD_HASHERS=BUILD_HASHERS,
            ),
            transaction.atomic(),
        ):
            with time_machine.travel(now - datetime.timedelta(days=JOINED_DAYS_AGO), tick=False):
                people = self._people()
            if missing:
                # A fast hash of the same password while signatures are checked.
                User.objects.filter(pk__in=[p.pk for p in people.values()]).update(
                    password=make_password(PASSWORD)
                )
            policy = EditorialPolicy.current()
            if policy.board_quorum != 2 or not policy.retraction_brings_review_forward:
                policy.board_quorum = 2
                policy.retraction_brings_review_forward = True
                policy.save()
            for term, explanation, synonyms in GLOSSARY:
                GlossaryTerm.objects.get_or_create(
                    term=term, defaults={"explanation": explanation, "synonyms": synonyms}
                )
            last_email = PendingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
            for spec in missing:
                self._article(spec, people, now)
            # The daily retraction watch, on recorded answers (demo/recorded.py):
            # it finds the retracted study one published article cites. A
            # second load finds the alert there already and changes nothing.
            with time_machine.travel(now - datetime.timedelta(days=WATCH_RAN_DAYS_AGO)):
                source_alerts_check(
                    articles=PublicArticle.objects.approved().filter(slug__in=slugs),
                    lookup=recorded_lookup,
                )
            # Their inboxes keep what happened; the outbox forgets the emails
            # before they are sent (the task finds nothing to send).
            PendingEmail.objects.filter(pk__gt=last_email or 0).delete()
            # People read their inboxes: only the last week's news is unread.
            Notification.objects.filter(
                created_at__lt=now - datetime.timedelta(days=7), read_at__isnull=True
            ).update(read_at=F("created_at") + datetime.timedelta(hours=2))
        if missing:
            # Outside the override: one real hash, shared by every demo account.
            real = make_password(PASSWORD)
            User.objects.filter(pk__in=[p.pk for p in people.values()]).update(password=real)
        self.stdout.write(
            f"Demo data ready: {len(people)} accounts, {len(missing)} new articles "
            f"({Article.objects.count()} in all)."
            + ("" if missing else " Nothing new: the demo was already loaded.")
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

    def _article(self, spec: dict, people: dict[str, User], now: datetime.datetime) -> None:
        """Create the article on its first day and play its steps, each at its
        own moment of the past (spec["started"] days ago, plus the step's day)."""
        local = timezone.localtime(now)
        first_day = (local - datetime.timedelta(days=spec["started"])).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        moments = []
        last_day, same_day = None, 0
        for day, *_ in spec["steps"]:
            same_day = same_day + 1 if day == last_day else 0
            last_day = day
            # Some time in the working day, the same on every run.
            start = datetime.timedelta(minutes=(day * 97 + len(spec["slug"]) * 13) % 420)
            moments.append(first_day + datetime.timedelta(days=day) + start + same_day * STEP_GAP)
        # Nothing happens in the future: the latest steps move back before now.
        for index in range(len(moments) - 1, -1, -1):
            latest = now - (len(moments) - index) * STEP_GAP
            if moments[index] > latest:
                moments[index] = latest
        with time_machine.travel(min([first_day, *moments]), tick=False):
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
        for moment, (_, action, username, detail) in zip(moments, spec["steps"], strict=True):
            with time_machine.travel(moment, tick=False):
                article.refresh_from_db()
                self._step(article, action, people.get(username), detail, people)

    def _step(self, article: Article, action: str, person: User, detail, people) -> None:
        if action == "sign":
            board_signoff_record(article=article, member=person, password=PASSWORD)
        elif action == "invite":
            reviewers_invite(
                article=article,
                editor=person,
                reviewers=[people[name] for name in detail.split(",")],
                due_date=default_due_date(),
            )
        elif action in {"accept", "review", "decline"}:
            assignment = ReviewAssignment.objects.filter(
                round__article=article, reviewer=person
            ).latest("invited_at")
            if action == "accept":
                invitation_accept(assignment=assignment, reviewer=person, has_conflict=False)
            elif action == "decline":
                invitation_decline(assignment=assignment, reviewer=person, reason=detail)
            else:
                if isinstance(detail, dict):
                    fields = detail
                else:
                    recommendation, comments = detail.split("|", 1)
                    fields = {"recommendation": recommendation, "comments_to_author": comments}
                review_save(
                    assignment=assignment,
                    reviewer=person,
                    submit=True,
                    data={
                        "claims_supported": True,
                        "doses_checked": True,
                        "audience_fit": True,
                        **fields,
                    },
                )
        elif action == "revise":
            current = article.current_revision
            revision_save_draft(
                article=article,
                author=person,
                seen_hash=current.content_hash,
                title=current.title,
                primary_audience=current.primary_audience,
                summary=detail.get("summary", current.summary),
                body=detail.get("body", current.body),
                references=detail.get("references")
                or [
                    {name: getattr(ref, name) for name in REFERENCE_FIELDS}
                    for ref in current.references.all()
                ],
                change_summary=detail.get("change_summary", ""),
                response_letter=detail.get("response_letter", ""),
                audience_versions={name: getattr(current, name) for name in AUDIENCE_FIELDS},
            )
        elif action == "notice":
            kind, reason = detail.split("|", 1)
            article_notice_issue(article=article, editor=person, kind=kind, reason=reason)
        elif action == "ask":
            ReaderQuestion.objects.create(
                article=article,
                revision=article.published_revision or article.current_revision,
                kind=detail.get("kind", ReaderQuestion.Kind.QUESTION),
                audience=detail.get("audience", "patient"),
                question=detail["question"],
                email=detail.get("email", ""),
            )
        elif action == "answer":
            question = article.reader_questions.filter(handled_at__isnull=True).earliest(
                "created_at"
            )
            reader_question_handle(question=question, editor=person, answer=detail)
        elif action == "discuss":
            discussion_start(
                article=article,
                user=person,
                audience=detail["audience"],
                reviewer=people.get(detail.get("reviewer")),
                subject=detail["subject"],
                text=detail["text"],
            )
        elif action == "reply":
            discussion = article.discussions.latest("created_at")
            discussion_post(discussion=discussion, user=person, text=detail)
        elif action == "more_time":
            assignment = ReviewAssignment.objects.filter(
                round__article=article, reviewer=person
            ).latest("invited_at")
            extension_request(
                assignment=assignment,
                reviewer=person,
                due_date=assignment.due_date + datetime.timedelta(days=detail["days"]),
                reason=detail["reason"],
            )
        else:
            article.fire(action, by=person, comment=detail)
