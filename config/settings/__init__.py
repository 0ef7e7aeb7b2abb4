"""The one settings module: everything that differs between machines comes
from the environment (see README, "Configuration")."""

import os
from pathlib import Path

from csp.constants import NONE, SELF

from core.env import (
    env_bool,
    env_choice,
    env_choices,
    env_database,
    env_email,
    env_int,
    env_list,
    env_redis,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# With no DATABASE_URL this is a developer's machine on the local SQLite file:
# DEBUG defaults on there and off everywhere else (a real database means a deployment).
_LOCAL = "DATABASE_URL" not in os.environ
DEBUG = env_bool("DEBUG", _LOCAL)
_LOCAL_ONLY_KEY = "insecure-local-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _LOCAL_ONLY_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",
    "accounts",
    "articles",
    "reviews",
    "reader",
    "office",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "django_ratelimit",
    "csp",
    "axes",
    "rules",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-csp's, with the (fixed) policy built once: config/middleware.py.
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.refuse_null_characters_in_query",
    # Last, as django-axes asks: turns a lockout into its own clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# No "loaders" option: Django then keeps each compiled template for the life of
# the process (its cached loader).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.desk_links",
                "articles.context_processors.work_counts",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (README, "Background work"): emails, reminders and the other
# periodic jobs run as tasks of Django's task framework. "database" (the
# default) stores them in the database for `manage.py db_worker`; "immediate"
# runs each task as soon as it is enqueued, in the same process (the test
# suite); "rq" sends them to Redis for `manage.py rqworker` (needs REDIS_URL and
# the `rq` extra). The task code is the same on all three.
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ("database", "immediate", "rq"))
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    if not REDIS_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs REDIS_URL (the Redis that holds the queue)."
        )
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS.append("django_rq")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.authentication.UsernameOrEmailBackend",
    # Object rules (articles/rules.py, accounts/rules.py) in user.has_perm(name, obj).
    "rules.permissions.ObjectPermissionBackend",
]
# Sign-in throttling (accounts.authentication.AccountAndAddressHandler): wrong
# passwords, typed at sign-in, when signing or when changing the password, and
# whether the login name or the email was typed (AXES_USERNAME_CALLABLE), are
# counted three ways over the last hour. Five for one account from one address
# pause that account from that address; twenty for one account from several
# addresses pause it everywhere; thirty from one address, whatever the
# accounts, pause sign-in from that address. A success clears only the
# signing-in account's failures from its own address, so nobody's own sign-in
# wipes a victim's count, one stranger cannot shut a board member out
# everywhere, and a few colleagues' typos behind one hospital address pause
# nobody.
AXES_HANDLER = "accounts.authentication.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT = env_int("SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT", 20)
SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = env_int("SIGN_IN_FAILURE_LIMIT_PER_ADDRESS", 30)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.authentication.throttle_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "articles:desk"
LOGOUT_REDIRECT_URL = "reader:home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": ("username", "display_name", "first_name", "last_name", "email")
        },
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},  # signatures rest on these passwords
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.SiteWordsPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The site is written in British English only. Without translation Django
# skips its per-call language lookups (each {% url %}, date and number asks
# for the active language): about 5 % of an uncached page's work.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests run with DEBUG off but without collectstatic: let WhiteNoise find files
# in the app directories the way runserver would.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# The article editor posts up to 200 references of nine fields each; allow
# room above that so the form itself can say "too many" and keep the text.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django-ratelimit counts in the default cache: Redis when REDIS_URL is set, so
# every app server shares the counts. Behind a proxy, set RATELIMIT_IP_META_KEY.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
# W001: the check only knows django-redis, but Django's own RedisCache has the
# atomic add/incr that rate limiting needs. E003: local memory is fine for one
# process (development, tests); deployments set REDIS_URL. The sign-in
# throttle (AXES_HANDLER) reads the address from REMOTE_ADDR; behind a proxy,
# set AXES_IPWARE_* as django-axes' docs describe.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)

# Rendered article text, parts of the article page ({% cache ... using="fragments" %}
# in templates/reader/article.html) and whole anonymous pages are cached (see
# reader/public_text.py and reader/page_cache.py); switch off to measure.
RENDER_CACHE = env_bool("RENDER_CACHE", True)
PAGE_CACHE = env_bool("PAGE_CACHE", True)
CACHES["fragments"] = (
    dict(CACHES["default"])
    if RENDER_CACHE
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)

# Shared HTTP cache (Varnish or a CDN) in front of the reader's pages: how long
# it may keep an anonymous page (every change purges what it alters, so this
# only bounds how long text altered behind the application's back stays
# served before its signatures are checked again), and how long it may serve a
# stale copy while it fetches a fresh one (reader/shared_cache.py).
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 600)
SHARED_CACHE_STALE_SECONDS = env_int("SHARED_CACHE_STALE_SECONDS", 60)

# The shared HTTP cache in front of the app servers (reader/frontend_cache.py):
# after each change, the task runner asks it to forget exactly the public
# pages the change made stale. "none": no shared cache (or one left to expire
# pages on its own); "varnish": PURGE/BAN sent to each of VARNISH_URLS (the
# Varnish servers' own addresses, such as http://10.0.0.5:6081, reachable from
# the app servers, whose addresses the VCL's purge ACL lists); "cloudflare":
# the zone's purge API, with absolute URLs built from SITE_URL, through an API
# token allowed to purge that zone. A failed purge is retried with growing
# pauses, FRONTEND_CACHE_RETRIES attempts in all, then logged as an error.
# Several, comma-separated, when one cache stands in front of another (a CDN
# before Varnish): list them from the app outwards, "varnish,cloudflare".
FRONTEND_CACHE_BACKEND = env_choices(
    "FRONTEND_CACHE_BACKEND", "none", ("none", "varnish", "cloudflare")
)
VARNISH_URLS = env_list("VARNISH_URLS", [])
CLOUDFLARE_ZONE_ID = env_str("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = env_str("CLOUDFLARE_API_TOKEN", "")
FRONTEND_CACHE_RETRIES = env_int("FRONTEND_CACHE_RETRIES", 5)
# Seconds a purge request may take before it counts as failed (and is retried).
FRONTEND_CACHE_TIMEOUT = env_int("FRONTEND_CACHE_TIMEOUT", 10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Absolute links in emails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Medical Review <editors@localhost>")
globals().update(env_email("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25"))
# Seconds before a silent mail server counts as a failure (the email is kept and retried).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Reference lookups (articles/sources/): PubMed E-utilities and Crossref. Off
# on a server that must not reach the internet; the contact address goes in the
# User-Agent and NCBI's `email` parameter, as both services ask.
REFERENCE_LOOKUPS = env_bool("REFERENCE_LOOKUPS", True)
REFERENCE_LOOKUP_CONTACT = env_str("REFERENCE_LOOKUP_CONTACT", "editors@example.org")
REFERENCE_LOOKUP_CONNECT_TIMEOUT = env_int("REFERENCE_LOOKUP_CONNECT_TIMEOUT", 5)
REFERENCE_LOOKUP_READ_TIMEOUT = env_int("REFERENCE_LOOKUP_READ_TIMEOUT", 15)
REFERENCE_LOOKUP_RETRIES = env_int("REFERENCE_LOOKUP_RETRIES", 2)
# Optional: NCBI allows 10 requests a second with a key instead of 3.
NCBI_API_KEY = env_str("NCBI_API_KEY", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS everywhere in production (off for local development and tests).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    # The load balancer terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True

# Only our own scripts, styles and images; no inline script or style at all
# (the JSON-LD block is data, not script). Pages are tested for violations.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
