"""Enqueueing a task from inside an action: `enqueue_on_commit(task, *args)`
enqueues it once the action's transaction commits (at once outside one), so
a rolled-back action leaves no task behind and the worker, on any backend,
finds the rows the action wrote. Arguments must be JSON values (pass primary
keys, not model instances). Periodic jobs: core/periodic.py."""

import logging
from functools import partial

from django.db import transaction
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    # robust: a queue that cannot be reached (Redis down) is logged, never
    # turned into an error page for an action that has already committed.
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=True)
