"""Telling the shared HTTP cache in front of the site (Varnish, or a CDN)
to forget pages that a change has made stale.

Which pages a change affects is decided in reader/page_cache.py
(connect_receivers); the purge itself runs after commit in the
`purge_shared_cache` task (reader/tasks.py), which retries and logs a
failure instead of letting it reach the editor. This module only knows how
to talk to each kind of cache, chosen by FRONTEND_CACHE_BACKEND:

- `none`: nothing in front of the site, or a cache left to expire on its own.
- `varnish`: `PURGE <path>` to every server in VARNISH_URLS; a `BAN` of `/`
  to empty it (deploy/varnish/default.vcl accepts both from the app servers).
- `cloudflare`: Cloudflare's purge API for the zone, by absolute URL.

Several, comma-separated ("varnish,cloudflare"), for a CDN in front of
Varnish: each is purged in that order, the one nearest the app first.

Another CDN: subclass FrontendCache with `purge` and `purge_all`, add it to
BACKENDS and its name to the setting's choices.
"""

import httpx
from django.conf import settings
from django.core import checks


class PurgeFailed(Exception):
    """The cache did not confirm a purge; the task retries it."""


class FrontendCache:
    name = "none"

    def purge(self, paths: list[str]) -> None:
        """Forget every stored copy of each path (such as `/articles/x/`)."""

    def purge_all(self) -> None:
        """Forget everything: for changes that show on every page."""


def _client() -> httpx.Client:
    return httpx.Client(timeout=settings.FRONTEND_CACHE_TIMEOUT)


class VarnishCache(FrontendCache):
    name = "varnish"

    def __init__(self, servers: list[str]):
        self.servers = [server.rstrip("/") for server in servers]

    def purge(self, paths: list[str]) -> None:
        self._send([("PURGE", path) for path in paths])

    def purge_all(self) -> None:
        self._send([("BAN", "/")])

    def _send(self, requests: list[tuple[str, str]]) -> None:
        # Every server is asked even when one fails: a retry then repeats
        # purges the others already did, which costs nothing, while stopping
        # early would leave their pages stale until the retry.
        problems = []
        with _client() as client:
            for server in self.servers:
                for method, path in requests:
                    try:
                        response = client.request(method, server + path)
                    except httpx.HTTPError as exc:
                        # Unreachable: its other purges would each wait out
                        # the timeout too; the retry asks again for them all.
                        problems.append(f"{method} {server}{path}: {exc!r}")
                        break
                    if not response.is_success:
                        problems.append(f"{method} {server}{path}: HTTP {response.status_code}")
        if problems:
            raise PurgeFailed("; ".join(problems))


CLOUDFLARE_API = "https://api.cloudflare.com/client/v4"
# Cloudflare takes at most 30 URLs in one purge call on most plans
# (Enterprise takes more); larger sets go in several calls.
CLOUDFLARE_URLS_PER_CALL = 30


class CloudflareCache(FrontendCache):
    name = "cloudflare"

    def __init__(self, zone_id: str, api_token: str, site_url: str):
        self.endpoint = f"{CLOUDFLARE_API}/zones/{zone_id}/purge_cache"
        self.headers = {"Authorization": f"Bearer {api_token}"}
        self.site_url = site_url.rstrip("/")

    def purge(self, paths: list[str]) -> None:
        urls = [self.site_url + path for path in paths]
        with _client() as client:
            for start in range(0, len(urls), CLOUDFLARE_URLS_PER_CALL):
                self._post(client, {"files": urls[start : start + CLOUDFLARE_URLS_PER_CALL]})

    def purge_all(self) -> None:
        with _client() as client:
            self._post(client, {"purge_everything": True})

    def _post(self, client: httpx.Client, body: dict) -> None:
        response = client.post(self.endpoint, json=body, headers=self.headers)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        # Cloudflare answers refusals with `success: false` and its reasons,
        # usually (not always) with a 4xx status.
        if not response.is_success or not answer.get("success"):
            errors = answer.get("errors") or response.text[:200]
            raise PurgeFailed(f"Cloudflare HTTP {response.status_code}: {errors}")


class LayeredCache(FrontendCache):
    """Caches in front of one another, listed from the app outwards. The
    inner one is purged first: purged first, the outer one could fetch the
    stale copy again from the inner one. A failure stops there and the retry
    starts again from the inside (a repeated purge costs one fetch)."""

    def __init__(self, layers: list[FrontendCache]):
        self.layers = layers
        self.name = ",".join(layer.name for layer in layers)

    def purge(self, paths: list[str]) -> None:
        for layer in self.layers:
            layer.purge(paths)

    def purge_all(self) -> None:
        for layer in self.layers:
            layer.purge_all()


BACKENDS = {
    "none": lambda: FrontendCache(),
    "varnish": lambda: VarnishCache(settings.VARNISH_URLS),
    "cloudflare": lambda: CloudflareCache(
        settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN, settings.SITE_URL
    ),
}


def _chosen() -> list[str]:
    names = [name.strip() for name in settings.FRONTEND_CACHE_BACKEND.split(",")]
    return [name for name in names if name != "none"]


def frontend_cache() -> FrontendCache:
    """The cache (or caches) FRONTEND_CACHE_BACKEND names, as configured now."""
    layers = [BACKENDS[name]() for name in _chosen()]
    if not layers:
        return FrontendCache()
    return layers[0] if len(layers) == 1 else LayeredCache(layers)


def purging() -> bool:
    """Whether changes need purges at all (no task is queued otherwise)."""
    return bool(_chosen())


@checks.register(checks.Tags.caches, deploy=True)
def check_frontend_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # Without somewhere to send purges, every change would fail five times
    # and the shared cache would serve stale pages until they expire.
    chosen = _chosen()
    if "varnish" in chosen and not settings.VARNISH_URLS:
        return [
            checks.Error(
                "FRONTEND_CACHE_BACKEND is varnish but VARNISH_URLS names no server.",
                hint="Set VARNISH_URLS to the Varnish servers, e.g. http://10.0.0.5:6081.",
                id="reader.E002",
            )
        ]
    if "cloudflare" in chosen and not (
        settings.CLOUDFLARE_ZONE_ID and settings.CLOUDFLARE_API_TOKEN
    ):
        return [
            checks.Error(
                "FRONTEND_CACHE_BACKEND is cloudflare but the zone or the API token is missing.",
                hint="Set CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN (a token allowed to "
                "purge the zone's cache).",
                id="reader.E003",
            )
        ]
    return []
