"""Background work on the task runner (core/outbox.py, core/periodic.py):
emails go out after commit and only then, a mail outage loses nothing and a
retry sends each email once, periodic jobs are enqueued once per slot, and
the same task code runs on the database backend's worker and on a real RQ
worker by configuration alone.

The suite's default backend runs tasks at once (tests/environment.py); the
tests below that name another backend run its real worker."""

import datetime
import signal
import smtplib
from io import StringIO

import django_rq
import pytest
import redis
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import Job
from rq import SimpleWorker

from accounts.services import sign_up_request
from articles.models import AuditEntry
from core import outbox
from core.models import PendingEmail, PeriodicRun
from core.periodic import enqueue_due, jobs
from core.tasks import prune_task_results
from reviews.models import ReminderSent
from reviews.services import reviewers_invite

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
RQ_REDIS = "redis://127.0.0.1:6379/14"


class RefusingMailServer(BaseEmailBackend):
    """A test double of the mail server (selected by settings.EMAIL_BACKEND):
    it refuses every message, as an SMTP server that is down would."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.test_tasks.RefusingMailServer"
    yield
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sign_up(address="newcomer@example.org"):
    sign_up_request(email=address)


# --- The outbox ---------------------------------------------------------------------


def test_an_email_is_written_in_the_transaction_and_sent_only_after_commit(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _sign_up()
        assert PendingEmail.objects.get().to == ["newcomer@example.org"]
    assert mailoutbox == []  # committed work only: the task is enqueued on commit
    for callback in callbacks:
        callback()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["newcomer@example.org"], "[Medical Review] Create your account")
    ]
    assert not PendingEmail.objects.exists()  # sent emails are not kept


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_sends_nothing(draft, advance, editor, reviewer, mailoutbox):
    article = advance(draft, "submit")
    mailoutbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        reviewers_invite(
            article=article, editor=editor, reviewers=[reviewer],
            due_date=timezone.localdate() + datetime.timedelta(days=20),
        )  # fmt: skip
        raise RuntimeError("the rest of the action failed")
    assert not PendingEmail.objects.exists()
    assert not AuditEntry.objects.filter(action="invite").exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_sends_once_with_a_real_commit(draft, advance, editor, reviewer):
    article = advance(draft, "submit")
    mail.outbox = []
    reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert not PendingEmail.objects.exists()


def test_a_refused_email_is_kept_and_the_periodic_retry_sends_it_once(
    db, settings, mail_server_down, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _sign_up()
        held = PendingEmail.objects.get()
        assert held.attempts == 1
        assert "unexpectedly closed" in held.last_error
        assert held.next_attempt_at == start + datetime.timedelta(minutes=1)
        assert held.claimed_until is None  # released for the retry

    # Still down at the next try: a longer wait before the one after.
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        call_command("run_periodic", stdout=StringIO())
        held.refresh_from_db()
        assert held.attempts == 2
        assert held.next_attempt_at == timezone.now() + datetime.timedelta(minutes=2)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # back up
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        call_command("run_periodic", stdout=StringIO())
    assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
    assert not PendingEmail.objects.exists()
    with time_machine.travel(start + datetime.timedelta(minutes=15), tick=False):
        call_command("run_periodic", stdout=StringIO())
    assert len(mailoutbox) == 1


def test_the_retry_waits_for_the_email_s_retry_time(db, mail_server_down, settings, mailoutbox):
    outbox.send("sign_up_existing", to=["a@example.org"], subject="S",
                context={"account": "A", "link": "L"})  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.deliver_due() == 0  # its minute has not passed
    assert mailoutbox == []


# Real commits: the worker closes and reopens database connections as a
# long-running process must, which would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_old_task_records_are_pruned_daily(settings, keep_signal_handlers):
    settings.TASKS = DATABASE_TASKS
    outbox.deliver_email.enqueue(0)  # no such email: the task does nothing
    _run_database_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6), tick=False):
        assert prune_task_results.call() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False):
        assert prune_task_results.call() == 1
    assert not DBTaskResult.objects.exists()


def test_delivering_the_same_email_twice_sends_it_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the enqueue on commit is dropped
        _sign_up()
    pk = PendingEmail.objects.get().pk
    first = outbox.deliver_email.enqueue(pk)
    second = outbox.deliver_email.enqueue(pk)
    assert (first.return_value, second.return_value) == (True, False)
    assert len(mailoutbox) == 1


def test_an_email_another_worker_is_sending_is_left_alone(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        _sign_up()
    email = PendingEmail.objects.get()
    PendingEmail.objects.update(claimed_until=timezone.now() + datetime.timedelta(minutes=5))
    assert outbox.deliver(email.pk) is False
    assert mailoutbox == []
    # A worker that died mid-send loses its lease; the email is sent after it.
    with time_machine.travel(timezone.now() + outbox.LEASE, tick=False):
        assert outbox.deliver(email.pk) is True
    assert len(mailoutbox) == 1


def test_an_email_whose_task_never_ran_is_sent_by_the_retry(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # as if the queue was unreachable
        _sign_up()
    with time_machine.travel(timezone.now() + outbox.FIRST_SWEEP_AFTER, tick=False):
        assert outbox.deliver_due() == 1
    assert len(mailoutbox) == 1


# --- Periodic jobs ------------------------------------------------------------------


def test_every_app_declares_its_periodic_jobs_in_its_tasks_module(db):
    declared = {job.name: job.every for job in jobs()}
    assert (
        declared.items()
        >= {
            "core.tasks.retry_emails": datetime.timedelta(minutes=5),
            "reviews.tasks.send_review_reminders": datetime.timedelta(hours=1),
            "articles.tasks.open_due_reviews": datetime.timedelta(hours=1),
        }.items()
    )
    out = StringIO()
    call_command("run_periodic", list=True, stdout=out)
    assert "reviews.tasks.send_review_reminders  every 1:00:00" in out.getvalue()


def test_run_periodic_enqueues_each_job_once_per_slot(db, settings):
    settings.TASKS = DATABASE_TASKS  # enqueued tasks stay in the table to be counted
    noon = datetime.datetime(2026, 3, 2, 12, 0, 30, tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        first, second = StringIO(), StringIO()
        call_command("run_periodic", stdout=first)
        call_command("run_periodic", stdout=second)  # a second scheduler, same minute
    assert "Enqueued reviews.tasks.send_review_reminders" in first.getvalue()
    assert second.getvalue() == ""
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert sorted(paths) == sorted(job.name for job in jobs())
    assert PeriodicRun.objects.count() == len(jobs())

    with time_machine.travel(noon + datetime.timedelta(minutes=5), tick=False):
        enqueued = [job.name for job in enqueue_due()]
    assert enqueued == ["core.tasks.retry_emails"]  # the hourly ones wait for 13:00
    later = noon + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        enqueued = {job.name for job in enqueue_due()}
    assert "reviews.tasks.send_review_reminders" in enqueued
    assert "core.tasks.prune_task_results" not in enqueued  # daily: the next one at midnight
    assert enqueued == {job.name for job in jobs() if job.slot(later) != job.slot(noon)}


def test_a_slot_another_scheduler_took_is_not_enqueued_again(db, settings):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    for job in jobs():  # what a scheduler running at the same moment wrote first
        PeriodicRun.objects.create(job=job.name, slot=job.slot(now))
    with time_machine.travel(now, tick=False):
        assert enqueue_due() == []
    assert not DBTaskResult.objects.exists()


def test_review_reminders_run_by_the_scheduler_go_out_once_per_step(
    draft, advance, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        (assignment,) = reviewers_invite(
            article=advance(draft, "submit"), editor=editor, reviewers=[reviewer],
            due_date=datetime.date(2026, 3, 16),
        )  # fmt: skip
    for day in (14, 19):  # due soon, then overdue; two runs an hour apart each day
        for hour in (9, 10):
            with (
                time_machine.travel(start.replace(day=day, hour=hour), tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                call_command("run_periodic", stdout=StringIO())
    # (The editors' news of the submission, held until now, goes out too.)
    subjects = [
        m.subject for m in mailoutbox if m.to == [reviewer.email] and "Invitation" not in m.subject
    ]
    assert [s.split(":")[0] for s in subjects] == [
        "[Medical Review] Reminder",
        "[Medical Review] Overdue",
    ]
    assert set(assignment.reminders.values_list("step", flat=True)) == {"due-soon", "overdue-1"}
    assert ReminderSent.objects.count() == 2


@pytest.fixture
def published(draft, advance, policy):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_re_review_expiry_runs_as_a_periodic_task(published):
    article = published
    article.next_review_due = timezone.localdate()
    article.save()
    call_command("run_periodic", stdout=StringIO())
    article.refresh_from_db()
    assert article.rereview_due_since == timezone.localdate()
    assert AuditEntry.objects.filter(article=article, action="rereview_due").count() == 1


# --- The same tasks on the database backend and on RQ ---------------------------------


@pytest.fixture
def keep_signal_handlers():
    """Workers install their own Ctrl-C handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _run_database_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0,
        stdout=StringIO(),
    )  # fmt: skip


@pytest.fixture
def rq_redis(settings):
    connection = redis.Redis.from_url(RQ_REDIS, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {RQ_REDIS} (CI starts one)")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": RQ_REDIS}}
    settings.TASKS = RQ_TASKS
    yield connection
    connection.flushdb()


def _run_rq_worker(connection):
    queue = django_rq.get_queue("default", job_class=Job)
    worker = SimpleWorker([queue], connection=connection, job_class=Job)
    assert worker.work(burst=True)


@pytest.mark.django_db(transaction=True)  # see test_old_task_records_are_pruned_daily
def test_database_backend_worker_sends_the_email(settings, mailoutbox, keep_signal_handlers):
    settings.TASKS = DATABASE_TASKS
    _sign_up()  # commits, and enqueues the task on commit
    (waiting,) = DBTaskResult.objects.all()
    assert waiting.task_path == "core.outbox.deliver_email"
    assert mailoutbox == []  # nothing is sent until a worker runs the task
    _run_database_worker()
    assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
    waiting.refresh_from_db()
    assert waiting.status == "SUCCESSFUL"
    assert not PendingEmail.objects.exists()
    _run_database_worker()  # nothing left: no second email
    assert len(mailoutbox) == 1


def test_rq_worker_sends_the_email(
    db, rq_redis, mailoutbox, keep_signal_handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up()
    assert mailoutbox == []
    assert PendingEmail.objects.exists()
    _run_rq_worker(rq_redis)
    assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
    assert not PendingEmail.objects.exists()


def test_periodic_jobs_run_on_rq_too(published, rq_redis, keep_signal_handlers):
    article = published
    article.next_review_due = timezone.localdate()
    article.save()
    call_command("run_periodic", stdout=StringIO())
    article.refresh_from_db()
    assert article.rereview_due_since is None  # enqueued in Redis, not run yet
    _run_rq_worker(rq_redis)
    article.refresh_from_db()
    assert article.rereview_due_since == timezone.localdate()
