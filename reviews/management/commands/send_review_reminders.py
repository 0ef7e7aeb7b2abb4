from django.core.management.base import BaseCommand
from django.utils import timezone

from reviews.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Email reviewers two days before their due date and every three days after it. "
        "Idempotent: run it hourly from cron."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders(timezone.localdate())
        for assignment, step in sent:
            self.stdout.write(f"{step}: {assignment.reviewer} ({assignment.round.revision.title})")
        self.stdout.write(f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent.")
