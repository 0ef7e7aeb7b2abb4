"""Which reminder each open review is due, and sending it once."""

from datetime import date

from django.db import IntegrityError, transaction

from core import outbox

from . import notifications
from .models import ReminderSent, ReviewAssignment

DAYS_BEFORE = 2
EVERY_DAYS_AFTER = 3


def reminder_step(assignment: ReviewAssignment, today: date) -> str | None:
    """ "due-soon" within two days before the due date; "overdue-N" on the
    3rd, 6th, 9th... day after it; None otherwise."""
    days_left = (assignment.due_date - today).days
    if 0 <= days_left <= DAYS_BEFORE:
        return "due-soon"
    days_over = -days_left
    if days_over >= EVERY_DAYS_AFTER:
        return f"overdue-{days_over // EVERY_DAYS_AFTER}"
    return None


def send_due_reminders(today: date) -> list[tuple[ReviewAssignment, str]]:
    """Send every reminder due today that was not sent before.

    The (assignment, due date, step) row is committed before the email goes out, so two
    runs at once cannot both send it; if sending fails the row is removed
    again and the next run retries. One failing address never stops the
    others."""
    outbox.retry_pending()  # messages an earlier mail outage held back
    sent = []
    for assignment in ReviewAssignment.objects.awaiting_work().select_related(
        "reviewer", "round__revision"
    ):
        step = reminder_step(assignment, today)
        if step is None:
            continue
        try:
            with transaction.atomic():
                record = ReminderSent.objects.create(
                    assignment=assignment, due_date=assignment.due_date, step=step
                )
        except IntegrityError:
            continue  # already sent for this step of this due date
        if not notifications.reminder(assignment, step):
            # Not sent: forget the step, so the next run tries this reminder again.
            ReminderSent.objects.filter(pk=record.pk).delete()
            continue
        sent.append((assignment, step))
    return sent
