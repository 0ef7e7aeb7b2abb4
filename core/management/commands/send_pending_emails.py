from django.core.management.base import BaseCommand

from core.models import PendingEmail
from core.outbox import retry_pending


class Command(BaseCommand):
    help = "Send emails held back by a mail server failure. Safe to run from cron."

    def handle(self, *args, **options):
        sent = retry_pending()
        left = PendingEmail.objects.count()
        self.stdout.write(
            f"{sent} held email{'s' if sent != 1 else ''} sent; {left} still waiting."
        )
