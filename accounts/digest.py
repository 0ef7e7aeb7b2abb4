"""The daily digest: one email a day to each person who chose "daily"
(`NoticeEmail.DAILY`), listing every notification they have neither read
nor had by email yet. Run once a day or more often (by the task runner's
periodic job): a second run on the same day sends nothing more."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import outbox

from .models import DailyDigest, NoticeEmail, Notification, User


def send_daily_digests(now: datetime | None = None) -> int:
    """Queue today's digest for each person on "daily" with something new;
    returns how many digests were queued. Each person's digest is its own
    transaction: the day's `DailyDigest` row, the notifications marked
    emailed and the outbox email commit together or not at all."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    waiting = Notification.objects.awaiting_digest().filter(created_at__lte=now)
    people = (
        User.objects.filter(notice_email=NoticeEmail.DAILY, is_active=True)
        .exclude(email="")
        .filter(pk__in=waiting.values("recipient"))
        .exclude(daily_digests__day=day)
    )
    return sum(_send_digest(person, day=day, now=now) for person in people)


def _send_digest(person: User, *, day, now: datetime) -> bool:
    with transaction.atomic():
        notices = list(
            Notification.objects.select_for_update()
            .awaiting_digest()
            .filter(recipient=person, created_at__lte=now)
            .order_by("created_at", "pk")
        )
        if not notices:
            return False
        try:
            with transaction.atomic():
                DailyDigest.objects.create(
                    person=person, day=day, notification_count=len(notices), sent_at=now
                )
        except IntegrityError:
            return False  # another run sent today's digest a moment ago
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        outbox.queue(
            "digest",
            to=[person.email],
            subject=f"Your day in Medical Review: {len(notices)} new "
            f"notification{'s' if len(notices) != 1 else ''}",
            context={
                "recipient": person,
                "entries": [(n, outbox.absolute(n.link)) for n in notices],
                "inbox": outbox.absolute(reverse("accounts:inbox")),
            },
        )
    return True
