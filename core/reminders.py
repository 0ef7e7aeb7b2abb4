"""When a reminder about a due date is owed: one schedule for every kind
(reviews, authors' revisions), each kind choosing its own spacing."""

from datetime import date


def reminder_step(due_date: date, today: date, *, days_before: int, every_days_after: int):
    """ "due-soon" from `days_before` days before `due_date` until the day
    itself; "overdue-N" on the N-th multiple of `every_days_after` days past
    it; None otherwise. A kind of reminder sends each step once per due date."""
    days_left = (due_date - today).days
    if 0 <= days_left <= days_before:
        return "due-soon"
    days_over = -days_left
    if days_over >= every_days_after:
        return f"overdue-{days_over // every_days_after}"
    return None
