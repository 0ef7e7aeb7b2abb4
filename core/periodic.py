"""Periodic jobs: tasks the site runs on a clock (email retries, reminders,
re-review expiry, digests...). Django's task framework has no scheduler, so
this is ours.

Declare a periodic job in your app's `tasks.py` (found automatically),
`@periodic` stacked above `@task()`; it takes no arguments and must be safe
to run twice (a job enqueued on a busy queue may overlap the next slot's):

    from datetime import timedelta

    from django_tasks import task

    from core.periodic import periodic

    @periodic(every=timedelta(hours=1))
    @task()
    def send_review_reminders() -> int:
        ...

`manage.py run_periodic` enqueues every job whose time slot has come and
exits: run it from ONE cron line, every minute (`* * * * *`), or keep it
running with `--loop` (as `make run` does). Slots are whole multiples of
`every` counted from midnight UTC, 1 January 2000 (an hourly job's slot
starts on the hour, a daily one's at midnight UTC). Each (job, slot) is a
unique row (PeriodicRun), written in the same transaction as the enqueue:
any number of schedulers may run at once and each job is still enqueued
once per slot; if the enqueue fails the row goes with it and the next run
tries again. A scheduler that was down for a while enqueues each job once
for the current slot, not once per missed slot.

To enqueue a task from an action instead (after its commit), use
core.background.enqueue_on_commit(task, *args)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from .models import PeriodicRun

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# PeriodicRun rows older than this before their job's current slot are removed.
HISTORY = timedelta(days=2)


@dataclass(frozen=True)
class PeriodicJob:
    task: Task
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path

    def slot(self, now: datetime) -> datetime:
        """The start of the time slot `now` falls in."""
        return EPOCH + ((now - EPOCH) // self.every) * self.every


_registry: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta):
    """Run the task below (a `@task()` without arguments) once every `every`
    (at least a minute: `run_periodic` wakes once a minute)."""
    if every < timedelta(minutes=1):
        raise ValueError("A periodic job runs at most once a minute.")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError("Put @periodic(...) above @task(), not below it.")
        job = PeriodicJob(task=task, every=every)
        _registry[job.name] = job
        return task

    return register


def jobs() -> list[PeriodicJob]:
    """Every periodic job of every installed app (imports each app's tasks.py)."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.name)


def enqueue_due(now: datetime | None = None) -> list[PeriodicJob]:
    """Enqueue each job whose current slot has not been enqueued yet, by
    this or any other scheduler; returns the jobs enqueued now."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = job.slot(now)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot)
                job.task.enqueue()
        except IntegrityError:
            continue  # another scheduler was first for this slot
        PeriodicRun.objects.filter(job=job.name, slot__lt=slot - HISTORY).delete()
        enqueued.append(job)
    return enqueued
