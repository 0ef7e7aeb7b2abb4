"""Recompute an article's fingerprints from the database and check its
signatures: `manage.py verify_article <slug>`. Exit code 0 when the
published text is exactly what the board signed, 1 otherwise."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.text.fingerprints import short
from reviews.verification import verify_revision


class Command(BaseCommand):
    help = "Recompute an article's fingerprints and check its board signatures."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the article's address name, as in /articles/<slug>/")

    def handle(self, *args, slug: str, **options):
        article = Article.objects.select_related("published_revision").filter(slug=slug).first()
        if article is None:
            raise CommandError(f"No article has the address “{slug}”.")
        revision = article.published_revision
        if revision is None:
            raise CommandError(f"“{article.title}” has no published revision to verify.")
        check = verify_revision(revision)
        out = self.stdout.write
        out(f"“{article.title}” ({slug}): published revision {revision.number}, "
            f"fingerprint scheme {revision.fingerprint_scheme}")  # fmt: skip
        out(f"  content hash  stored     {revision.content_hash}")
        out(f"                recomputed {check.content_hash}"
            f"  {'matches' if check.content_ok else 'DIFFERS'}")  # fmt: skip
        for name, fingerprint in check.fingerprints.items():
            out(f"  {name:<13} version {short(fingerprint)}  ({fingerprint})")
        pinned = len(revision.glossary_snapshot)
        out(f"  glossary      {pinned} pinned entr{'y' if pinned == 1 else 'ies'}, "
            f"fingerprint {short(revision.glossary_fingerprint)}"
            + ("" if revision.fingerprint_scheme >= 2 else " (not signed: scheme 1)"))  # fmt: skip
        for signoff in check.signoffs:
            if signoff.is_withdrawn:
                verdict = "withdrawn by the signer"
            elif signoff in check.valid:
                verdict = "valid, covers " + ", ".join(signoff.version_fingerprints)
            else:
                verdict = "DOES NOT MATCH the text"
            out(f"  signature     {signoff.name_with_credentials}, "
                f"{signoff.signed_at:%Y-%m-%d %H:%M %Z}: {verdict}")  # fmt: skip
        if check.ok:
            out(self.style.SUCCESS(
                f"VERIFIED: the published text is what {len(check.valid)} board "
                f"member{'s' if len(check.valid) != 1 else ''} signed."
            ))  # fmt: skip
            return
        problems = check.problems or ["No valid board signature covers the published revision."]
        for problem in problems:
            self.stderr.write(f"  problem: {problem}")
        raise CommandError("NOT VERIFIED: the published text does not match what the board signed.")
