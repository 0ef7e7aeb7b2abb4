from django.core.management.base import BaseCommand

from accounts.models import User
from demo.content import PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Print the URL and every demo login (after load_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Medical Review is starting at {url}"))
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        usernames = [person[0] for person in PEOPLE] + ["admin"]
        users = User.objects.filter(username__in=usernames)
        for user in sorted(users, key=lambda u: u.username):
            roles = ", ".join(sorted(user.role_names)) or (
                "superuser" if user.is_superuser else "-"
            )
            self.stdout.write(f"  {user.username:<10} {user!s:<22} {roles}")
        self.stdout.write("")
