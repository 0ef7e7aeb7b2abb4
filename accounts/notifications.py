"""Telling people what concerns them: `notify` writes one inbox entry per
recipient and, by each person's choice (`User.notice_email`), queues an
email now, leaves it for the daily digest, or sends none.

Who is told about what belongs to the app where it happens (articles,
reviews, ...): they call `notify` inside the action's transaction, so a
rolled-back action tells nobody and the emails go after commit (core.outbox).
E-signature and security mail do not come through here: they always go.
"""

from collections.abc import Iterable

from django.utils import timezone

from core import outbox

from .models import NoticeEmail, Notification, User


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    subject: str,
    link: str,
    body: str = "",
    actor: User | None = None,
    email_template: str = "notification",
    email_context: dict | None = None,
) -> list[Notification]:
    """Tell each recipient (once, however often they are listed; never the
    `actor`, who knows what they did; never an inactive account) about
    `subject`, linking to the path `link`. `body` is plain text for the
    inbox and the email. `email_template` (templates/emails/<name>.txt|.html)
    and `email_context` give an email its own wording; the default template
    shows the subject, body and link."""
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        if actor is not None and person.pk == actor.pk:
            continue
        seen.add(person.pk)
        people.append(person)
    now = timezone.now()
    notices = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=kind,
            subject=subject,
            body=body,
            link=link,
            emailed_at=now if person.notice_email == NoticeEmail.EACH and person.email else None,
        )
        for person in people
    )
    for person, notice in zip(people, notices, strict=True):
        if notice.emailed_at is None:
            continue
        outbox.queue(
            email_template,
            to=[person.email],
            subject=subject,
            context={
                "notification": notice,
                "recipient": person,
                "link": outbox.absolute(link),
                **(email_context or {}),
            },
        )
    return notices


def mark_read(user: User, link: str) -> None:
    """`user` has seen the page at `link`: their unread notifications
    pointing there are read (opening a thread answers its message notices)."""
    Notification.objects.filter(recipient=user, link=link, read_at__isnull=True).update(
        read_at=timezone.now()
    )
