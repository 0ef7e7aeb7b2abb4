"""Strict readers for environment variables.

Every reader either returns a valid value or raises ImproperlyConfigured naming
the variable, so a typo in a deployment stops start-up instead of silently
falling back to a development default.

config/settings imports this module before Django is set up: it must not
import models, nor anything that reads settings.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is set but empty; unset it or give it a value.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_choices(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A comma-separated list of some of `choices`, kept as written (in order)."""
    value = env_str(name, default).lower()
    unknown = [item for item in value.split(",") if item.strip() not in choices]
    if unknown:
        raise ImproperlyConfigured(
            f"{name} must list some of {', '.join(choices)}, separated by commas, not {value!r}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must be a comma-separated list with at least one item.")
    return items


def env_database(name: str, default: str) -> dict:
    url = os.environ.get(name, default)
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must be a sqlite:// or postgres:// URL, not {url!r}.")
    try:
        config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from exc
    if scheme != "sqlite":
        config["CONN_HEALTH_CHECKS"] = True
        # PostgreSQL's default page costs model spinning disks. On SSD or a
        # cached database (the PostgreSQL manual suggests 1.1 for SSDs) the
        # planner otherwise scans every article's large search vector instead
        # of the GIN index once a common word is in the query: 28 ms instead
        # of 6 ms at 10 000 articles. DATABASE_OPTIONS="" sends nothing
        # (PgBouncer refuses the parameter; set it on the database instead).
        options = os.environ.get("DATABASE_OPTIONS", "-c random_page_cost=1.1")
        if options:
            config.setdefault("OPTIONS", {}).setdefault("options", options)
    return config


def env_redis(name: str) -> str | None:
    url = os.environ.get(name)
    if url is None:
        return None
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, not {url!r}.")
    return url


_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def env_email(name: str, default: str) -> dict:
    """Turn EMAIL_URL (console://, locmem://, smtp://user:pass@host:587?tls=1,
    smtps://...) into Django's EMAIL_* settings."""
    url = os.environ.get(name, default)
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(sorted(_EMAIL_BACKENDS))}://, not {url!r}."
        )
    settings = {"EMAIL_BACKEND": _EMAIL_BACKENDS[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} has an invalid port: {exc}") from exc
        query = parse_qs(parts.query)
        settings.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", ["0"])[0].lower() in _TRUE,
        )
    return settings
