"""The one HTTP client for PubMed and Crossref.

Every request carries a User-Agent naming this application and the contact
address from the settings (both services ask for one). A timeout, a dropped
connection, a 5xx or a 429 is tried again after a pause that doubles each
time, or after the server's `Retry-After` (at most MAX_PAUSE seconds); when
the tries run out the caller gets SourceUnavailable and queues a later check.

Answers are kept in the database (SourceResponse, one row per URL without
the contact and key parameters): a lookup reuses an answer younger than
FOUND_MAX_AGE, or NOT_FOUND_MAX_AGE when the answer said "no such record";
a caller that needs a fresher answer (the retraction watch) passes
`fresh_within`.
"""

import datetime
import email.utils
import importlib.metadata
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils import timezone

from ..models import SourceResponse
from .records import SourceUnavailable

logger = logging.getLogger(__name__)

FOUND_MAX_AGE = datetime.timedelta(days=7)
NOT_FOUND_MAX_AGE = datetime.timedelta(days=1)
FIRST_PAUSE = 1.0  # seconds before the first retry; doubled each time
MAX_PAUSE = 30.0  # the longest we wait, whatever Retry-After asks
RETRY_STATUSES = {429, 500, 502, 503, 504}

# Tests replace this with a recorder (tests/conftest.py), so no test waits.
sleep: Callable[[float], None] = time.sleep


def user_agent() -> str:
    try:
        version = importlib.metadata.version("medreview")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"medreview/{version} (mailto:{settings.REFERENCE_LOOKUP_CONTACT})"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    from_cache: bool = False

    def json(self):
        return json.loads(self.body)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - timezone.now()).total_seconds())


class SourceClient:
    """One httpx.Client with the timeouts, retries and cache described above.
    Use as a context manager, or call close()."""

    def __init__(self, *, retries: int | None = None):
        self.retries = settings.REFERENCE_LOOKUP_RETRIES if retries is None else retries
        self._http = None

    @property
    def http(self) -> httpx.Client:
        # Opened on the first real request: a client that only reads the
        # cache never opens one.
        if self._http is None:
            self._http = httpx.Client(
                timeout=httpx.Timeout(
                    settings.REFERENCE_LOOKUP_READ_TIMEOUT,
                    connect=settings.REFERENCE_LOOKUP_CONNECT_TIMEOUT,
                ),
                headers={"User-Agent": user_agent(), "Accept": "application/json"},
                follow_redirects=True,
            )
        return self._http

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def get(
        self,
        url: str,
        *,
        params: dict | None = None,
        private_params: dict | None = None,
        fresh_within: datetime.timedelta | None = None,
        found: Callable[[Answer], bool] = lambda answer: answer.status == 200,
        cache_only: bool = False,
    ) -> Answer:
        """The answer for `url` with `params`: from the cache when it is
        young enough, else from the service (and then cached). Statuses below
        500 other than 429 are answers (a 404 is "not found"); the rest raise
        SourceUnavailable once the retries are spent. `private_params`
        (contact, API key) are sent but are not part of the cache key.
        `cache_only`: the cached answer whatever its age, never the network
        (SourceUnavailable when there is none)."""
        key = url + ("?" + urlencode(sorted((params or {}).items())) if params else "")
        cached = SourceResponse.objects.filter(url=key).first()
        if cached is not None:
            answer = Answer(cached.status, cached.body, from_cache=True)
            if cache_only:
                return answer
            max_age = fresh_within
            if max_age is None:
                max_age = FOUND_MAX_AGE if found(answer) else NOT_FOUND_MAX_AGE
            if max_age and cached.fetched_at >= timezone.now() - max_age:
                return answer
        if cache_only:
            raise SourceUnavailable(f"No answer for {key} is cached.")
        answer = self._fetch(url, {**(params or {}), **(private_params or {})})
        SourceResponse.objects.update_or_create(
            url=key,
            defaults={"status": answer.status, "body": answer.body, "fetched_at": timezone.now()},
        )
        return answer

    def _fetch(self, url: str, params: dict) -> Answer:
        pause = FIRST_PAUSE
        for attempt in range(self.retries + 1):
            last_try = attempt == self.retries
            try:
                response = self.http.get(url, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                logger.info("Reference lookup %s failed: %r", url, error)
                if last_try:
                    raise SourceUnavailable(f"{url} could not be reached ({error!r}).") from error
                sleep(pause)
                pause *= 2
                continue
            if response.status_code not in RETRY_STATUSES:
                return Answer(response.status_code, response.text)
            logger.info("Reference lookup %s answered %s", url, response.status_code)
            if last_try:
                raise SourceUnavailable(f"{url} answered {response.status_code}.")
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            sleep(min(MAX_PAUSE, asked if asked is not None else pause))
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover
