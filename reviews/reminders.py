"""Which reminder each open review is due, and sending it once."""

from datetime import date

from django.db import IntegrityError, transaction

from core import reminders as schedule

from . import notifications
from .models import ReminderSent, ReviewAssignment

DAYS_BEFORE = 2
EVERY_DAYS_AFTER = 3


def reminder_step(assignment: ReviewAssignment, today: date) -> str | None:
    """ "due-soon" within two days before the due date; "overdue-N" on the
    3rd, 6th, 9th... day after it; None otherwise."""
    return schedule.reminder_step(
        assignment.due_date, today, days_before=DAYS_BEFORE, every_days_after=EVERY_DAYS_AFTER
    )


def send_due_reminders(today: date) -> list[tuple[ReviewAssignment, str]]:
    """Queue every reminder due today that was not sent before.

    The (assignment, due date, step) row and the email (core.outbox) are written in one
    transaction: two runs at once cannot both send a step (the second's row
    is refused), and a mail server failure keeps the email for the outbox's
    retry rather than losing it."""
    sent = []
    for assignment in ReviewAssignment.objects.awaiting_work().select_related(
        "reviewer", "round__revision"
    ):
        step = reminder_step(assignment, today)
        if step is None:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    assignment=assignment, due_date=assignment.due_date, step=step
                )
                notifications.reminder(assignment, step)
        except IntegrityError:
            continue  # already sent for this step of this due date
        sent.append((assignment, step))
    return sent
