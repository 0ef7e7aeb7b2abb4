"""Recorded PubMed and Crossref answers (tests/cassettes/*.json), replayed
with respx so no test reaches the network.

A cassette is {"about": "...", "interactions": [...]}; each interaction has a
"request" ({"method", "url"}) and either a "response" ({"status", "headers",
"body"}: a JSON value, or a string sent as it is) or an "exception"
("timeout" or "connect"). Interactions with the same request are answered in
order; "repeat": true answers every further request the same way. The
request matches on its URL's path and on the query parameters the cassette
names (the contact and key parameters the client adds are not recorded).
"""

import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx

CASSETTES = Path(__file__).parent / "cassettes"

EXCEPTIONS = {"timeout": httpx.ReadTimeout, "connect": httpx.ConnectError}


def load(name: str) -> list[dict]:
    return json.loads((CASSETTES / f"{name}.json").read_text())["interactions"]


def effect(interaction: dict):
    if "exception" in interaction:
        return EXCEPTIONS[interaction["exception"]](f"recorded {interaction['exception']}")
    response = interaction["response"]
    body = response.get("body", "")
    content = body if isinstance(body, str) else json.dumps(body)
    return httpx.Response(
        response["status"], headers=response.get("headers", {}), content=content.encode()
    )


def replay(respx_mock, *names: str) -> dict:
    """Serve the cassettes `names` through `respx_mock`; returns the routes
    by request URL (route.call_count tells how often each was asked)."""
    grouped = defaultdict(list)
    for name in names:
        for interaction in load(name):
            request = interaction["request"]
            grouped[(request.get("method", "GET"), request["url"])].append(interaction)
    routes = {}
    for (method, url), interactions in grouped.items():
        parts = urlsplit(url)
        route = respx_mock.route(
            method=method,
            url__startswith=urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
            params__contains=dict(parse_qsl(parts.query)),
        )
        effects = [effect(interaction) for interaction in interactions]
        if interactions[-1].get("repeat"):
            last = interactions[-1]
            route.side_effect = lambda request, last=last: _raise_or_return(last)
        else:
            route.side_effect = effects
        routes[url] = route
    return routes


def _raise_or_return(interaction: dict):
    answer = effect(interaction)
    if isinstance(answer, Exception):
        raise answer
    return answer
