from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.services import articles_open_due_reviews


class Command(BaseCommand):
    help = (
        "Put published articles whose periodic re-review is due back in the editors' "
        "queue. Idempotent: safe to run daily or hourly from cron."
    )

    def handle(self, *args, **options):
        opened = articles_open_due_reviews(today=timezone.localdate())
        for article in opened:
            self.stdout.write(f"Re-review due: {article.title}")
        self.stdout.write(f"{len(opened)} article{'s' if len(opened) != 1 else ''} newly due.")
