"""The periodic `send_review_reminders` task (reviews/tasks.py): two days
before the due date, then every three days after it; never the same step
twice, however often the scheduler runs it."""

import datetime

import pytest
import time_machine
from django.test import TestCase

from reviews.models import ReminderSent
from reviews.services import invitation_accept, review_save, reviewers_invite
from reviews.tasks import send_review_reminders

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def assignment(draft, advance, editor, reviewer):
    with time_machine.travel(START, tick=False):
        article = advance(draft, "submit")
        (assignment,) = reviewers_invite(
            article=article,
            editor=editor,
            reviewers=[reviewer],
            due_date=datetime.date(2026, 3, 16),
        )
    return assignment


def _run_on(day: int, hour: int = 9) -> int:
    """Run the task as the scheduler would; returns how many reminders it queued."""
    with (
        time_machine.travel(START.replace(day=day, hour=hour), tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),  # emails go out after commit
    ):
        return send_review_reminders.enqueue().return_value


def test_no_reminder_while_the_due_date_is_far(assignment, mailoutbox):
    assert _run_on(10) == 0
    assert mailoutbox == []


def test_reminder_two_days_before_and_only_once(assignment, reviewer, mailoutbox):
    assert _run_on(14) == 1
    (mail,) = mailoutbox
    assert mail.to == [reviewer.email]
    assert "due 16 Mar 2026" in mail.subject
    assert "/desk/reviews/" in mail.body
    _run_on(14, hour=10)
    _run_on(15)
    _run_on(16)
    assert len(mailoutbox) == 1  # the same step is never repeated


def test_overdue_reminders_every_three_days(assignment, mailoutbox):
    for day in range(17, 26):  # due on the 16th; hourly-ish runs every day after
        _run_on(day)
        _run_on(day, hour=15)
    overdue = [m for m in mailoutbox if m.subject.startswith("[Medical Review] Overdue")]
    assert len(overdue) == 3  # on the 19th, 22nd and 25th
    steps = set(ReminderSent.objects.values_list("step", flat=True))
    assert steps == {"overdue-1", "overdue-2", "overdue-3"}


def test_submitted_reviews_get_no_reminders(assignment, reviewer, mailoutbox):
    with time_machine.travel(START, tick=False):
        invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
        review_save(
            assignment=assignment,
            reviewer=reviewer,
            submit=True,
            data={"recommendation": "approve", "comments_to_author": "Fine."},
        )
    _run_on(14)
    _run_on(20)
    assert mailoutbox == []
