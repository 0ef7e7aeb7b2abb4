from django.core.management.base import BaseCommand

from accounts.digest import send_daily_digests


class Command(BaseCommand):
    help = (
        "Email each person who chose one email a day everything new since their last digest. "
        "At most one digest per person a day: safe to run hourly (until the task runner's "
        "periodic job runs it)."
    )

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent.")
