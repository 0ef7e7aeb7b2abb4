import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Import the URLconf, and with it every view, now: gunicorn's master loads
# this module once (preload_app), so each recycled worker starts with them
# instead of spending about 0.2 s on imports during its first request.
get_resolver().url_patterns  # noqa: B018 (evaluated for its import)
