import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from core.periodic import enqueue_due, jobs


class Command(BaseCommand):
    help = (
        "Enqueue every periodic job (core/periodic.py) whose time slot has come, once per "
        "slot however many schedulers run. From cron: `* * * * * manage.py run_periodic`; "
        "or keep it running with --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, checking once a minute."
        )
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and exit.")

    def handle(self, *args, loop=False, **options):
        self.verbosity = options["verbosity"]
        if options["list"]:
            for job in jobs():
                self.stdout.write(f"{job.name}  every {job.every}")
            return
        if not loop:
            self._run_once()
            return
        self.stdout.write("Scheduling periodic jobs once a minute; Ctrl-C to stop.")
        try:
            while True:
                self._run_once()
                close_old_connections()
                time.sleep(60 - timezone.now().second)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _run_once(self):
        enqueued = enqueue_due()
        for job in enqueued:
            self.stdout.write(f"Enqueued {job.name}")
        if not enqueued and self.verbosity > 1:
            self.stdout.write("Nothing due.")
