"""Whole-page cache for anonymous readers of an article and of the home page.

The rendered page is stored with the form token replaced by a placeholder,
so each reader still gets their own CSRF token. The key names version
counters that change whenever something the page shows can change: the
article (any workflow action, re-review flag), the site (policy, people's
public names) and the glossary; the home page's key names the site and
a list version that every article change also moves. Checking them costs one cache round trip
and no database query. Pages are kept ten minutes at most, which also bounds
how long text altered behind the application's back can be served before the
page re-checks the signatures.
"""

import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token

from accounts.models import AudienceLevel

from .public import AUDIENCE_COOKIE, GLOSSARY_VERSION_KEY, RENDER_VERSION

SITE_VERSION_KEY = "site-version"
LIST_VERSION_KEY = "list-version"
PAGE_TTL = 600
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"


def _article_key(slug: str) -> str:
    return f"article-version:{slug}"


def _bump(key: str) -> None:
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


def article_changed(slug: str) -> None:
    _bump(_article_key(slug))
    _bump(LIST_VERSION_KEY)  # its title, stage or place in the lists may have moved


def site_changed(**kwargs) -> None:
    _bump(SITE_VERSION_KEY)


def enabled(request) -> bool:
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.COOKIES.get("messages")
    )


def _stamp(keys: list[str]) -> str:
    versions = cache.get_many(keys)
    for key in keys:
        if key not in versions:
            cache.add(key, uuid.uuid4().hex, None)
            versions[key] = cache.get(key)
    return ":".join(str(versions[key]) for key in keys)


def list_key(name: str) -> str:
    stamp = _stamp([SITE_VERSION_KEY, LIST_VERSION_KEY])
    return f"list:{RENDER_VERSION}:{stamp}:{name}"


def page_key(request, slug: str) -> str:
    stamp = _stamp([SITE_VERSION_KEY, GLOSSARY_VERSION_KEY, _article_key(slug)])
    link = request.GET.get("audience")
    chosen = link if link in AudienceLevel.values else None
    cookie = request.COOKIES.get(AUDIENCE_COOKIE)
    level = chosen or (cookie if cookie in AudienceLevel.values else "default")
    return f"page:{RENDER_VERSION}:{stamp}:{slug}:{level}:{bool(chosen)}"


# Every form token in the page; Django masks each one differently.
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def store(key: str, request, response) -> None:
    html = _TOKEN_FIELD.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode())
    cache.set(
        key,
        {
            "html": html,
            "etag": response.get("ETag"),
            "last_modified": response.get("Last-Modified"),
        },
        PAGE_TTL,
    )


def restore(cached: dict, request) -> str:
    return cached["html"].replace(CSRF_PLACEHOLDER, get_token(request))
