"""The Jinja2 environment for the site layout and the reader's pages (the
article, the home page and search).

Readers reach these pages in bursts, and with the caches cold Django's
template language took about 40 % of the article page's time; Jinja2
compiles templates to Python and draws the same page several times faster.
The layout lives here too, once: Django-template pages reach it through
`{% site_layout %}` (articles/templatetags/site_layout.py).
"""

import datetime
import functools
import re

from django.conf import settings
from django.templatetags import static as static_tags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django_htmx import jinja as htmx
from jinja2 import Environment, Undefined, pass_context

from articles.text.citations import reference_items


@pass_context
def url(context, name: str, *args) -> str:
    request = context.get("request")
    where = getattr(request, "_url_base", None)
    if where is None:
        # What reverse() reads besides its arguments. Both are fixed for a
        # request before its view runs; looking them up for every link was
        # a tenth of a list page's time.
        where = get_urlconf(), get_script_prefix()
        if request is not None:
            request._url_base = where
    return _reverse(name, args, *where)


@functools.lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, urlconf, prefix: str) -> str:
    # A page links to a dozen fixed addresses; working each out again took
    # about a tenth of its template time. The key holds everything reverse()
    # reads, so the answer cannot go stale.
    return reverse(name, args=args or None, urlconf=urlconf)


# Formats made only of calendar-day parts (day, weekday, month, year):
# their text depends on the day, once in the site's time zone, and on the
# language, and nothing else.
_DAY_FORMAT = re.compile(r"[dDjlNSwzFmMnbtLoYy ,./-]*")


def date(value, format_string: str) -> str:
    """Django's `date` filter with an explicit format, in the site's time
    zone as Django's templates show it. The format is used as written (a
    page names its own), which spares the lookup of named formats."""
    if not value:
        return ""
    value = template_localtime(value)
    if format_string == "c":  # what dateformat's "c" gives, without parsing the format
        return value.isoformat()
    if _DAY_FORMAT.fullmatch(format_string):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return _day(day, format_string, get_language())
    return dateformat.format(value, format_string)


@functools.lru_cache(maxsize=4096)
def _day(day: datetime.date, format_string: str, language: str) -> str:
    # Django formats a date by parsing the format and translating month
    # names each time: a tenth of the article page's template time. A page's
    # dates are a few calendar days, so each text is worked out once; the
    # key holds everything the text depends on.
    return dateformat.format(day, format_string)


def truncatewords(value, length: int) -> str:
    """Django's `truncatewords` filter: the first `length` words, then " …".
    Django's builds a lazy wrapper for every call, which took a tenth of a
    list page's time (one call per entry)."""
    words = str(value).split()
    if len(words) <= length:
        return " ".join(words)
    text = " ".join(words[:length])
    return text if text.endswith(" …") else f"{text} …"


def static(path: str) -> str:
    return _static(path, *_static_key())


def htmx_script() -> str:
    return _htmx_script(*_static_key())


def _static_key() -> tuple:
    # Everything a static file's address depends on within one process: a
    # deploy that changes the files restarts it, and the manifest of hashed
    # names is read once anyway. Working out the layout's three addresses
    # took a twentieth of an uncached article page.
    return settings.STATIC_URL, repr(settings.STORAGES.get("staticfiles")), settings.DEBUG


@functools.lru_cache(maxsize=256)
def _static(path: str, *key) -> str:
    return static_tags.static(path)


@functools.lru_cache(maxsize=4)
def _htmx_script(*key) -> str:
    return htmx.htmx_script()


def environment(**options) -> Environment:
    # A missing value prints nothing, in development too, as in Django's
    # templates (Django would otherwise print it as `{{ name }}` when DEBUG).
    env = Environment(**{**options, "undefined": Undefined})
    env.globals.update(
        url=url, static=static, htmx_script=htmx_script, reference_items=reference_items
    )
    env.filters.update(date=date, truncatewords=truncatewords)
    return env
