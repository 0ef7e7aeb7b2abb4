"""Loaded as a pytest plugin (-p, see pyproject.toml) so it runs before
pytest-django imports the settings."""

import os

# Tests run with DEBUG off (as Django forces) but without a deployment around
# them: a throwaway key, static files straight from the apps (no collectstatic
# manifest), and cookies that plain-http test servers can set.
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Whole-page caching is tested on purpose (test_public_page.py); elsewhere it
# would hide changes that tests make without committing.
os.environ.setdefault("PAGE_CACHE", "false")
os.environ.setdefault("EMAIL_URL", "locmem://")
# Tasks run as soon as they are enqueued (emails right after the commit that
# queued them), so tests see mail.outbox at once; tests/test_tasks.py runs the
# same tasks through the database backend's worker and a real RQ worker.
os.environ.setdefault("TASKS_BACKEND", "immediate")
# Playwright's sync API runs an event loop in the test thread; Django's
# live_server tests are synchronous code that is safe to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# No test reaches PubMed or Crossref: lookups are off unless a test turns them
# on (the `lookups` fixture) and replays recorded answers (tests/sources.py).
os.environ.setdefault("REFERENCE_LOOKUPS", "false")
