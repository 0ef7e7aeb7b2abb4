from django.core.management.base import BaseCommand

from articles.models import Article
from reader.search import search_index_update


class Command(BaseCommand):
    help = "Recompute what reader search finds for every article (after a policy change)."

    def handle(self, *args, **options):
        count = 0
        for article in Article.objects.only("pk").iterator():
            search_index_update(article)
            count += 1
        self.stdout.write(f"Search index rebuilt for {count} articles.")
