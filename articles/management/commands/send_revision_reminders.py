from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.reminders import send_revision_reminders


class Command(BaseCommand):
    help = (
        "Remind authors three days before their revised draft is due and every seven days "
        "after. Idempotent: run it daily (or hourly)."
    )

    def handle(self, *args, **options):
        sent = send_revision_reminders(timezone.localdate())
        for article, step in sent:
            self.stdout.write(f"{step}: {article}")
        self.stdout.write(f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent.")
