"""The shared cache as deployed: a real varnishd running deploy/varnish/default.vcl
in front of the live test server. A reader asks Varnish, never Django directly,
and the `X-Cache` header says whether the page came from Varnish's copy.

Needs varnishd (apt-get install -y varnish): skipped with a warning without it,
and failed under CI=true, where these tests must run."""

import http.client
import os
import re
import warnings
from http.cookies import SimpleCookie

import pytest
from django.urls import reverse

from bench.varnish import VARNISHD, Varnish
from tests.factories import PASSWORD, UserFactory, reference

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def varnish(live_server, transactional_db, settings, _no_network):
    """Varnish in front of the live server, with purges switched on (they
    reach Varnish on 127.0.0.1, so the no-network router lets them through)."""
    if not VARNISHD:
        if IN_CI:
            pytest.fail("varnishd is not installed, and CI must run the shared-cache tests.")
        warnings.warn("varnishd is not installed: shared-cache test skipped", stacklevel=1)
        pytest.skip("varnishd is not installed (apt-get install -y varnish)")
    port = int(live_server.url.rsplit(":", 1)[1])
    with Varnish(backend_port=port) as running:
        _no_network.route(host="127.0.0.1").pass_through()
        settings.FRONTEND_CACHE_BACKEND = "varnish"
        settings.VARNISH_URLS = [running.url]
        yield running


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode()
        self.cache = response.getheader("X-Cache")
        self.cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)


def ask(varnish, method, path, *, cookie="", body=b"", headers=None, source="127.0.0.1"):
    """One request to Varnish, from `source` (any address in 127.0.0.0/8
    works on Linux: the VCL's ACL trusts only 127.0.0.1 and the app servers)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", varnish.port, timeout=30, source_address=(source, 0)
    )
    sent = dict(headers or {})
    if cookie:
        sent["Cookie"] = cookie
    if body:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=sent)
        return Answer(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture
def article(draft, publish, policy):
    return publish(
        draft, body="## Mechanism\n\nAxonal injury is dose related [1].", references=[reference(1)]
    )


def _path(article):
    return reverse("reader:public", args=[article.slug])


def test_a_second_anonymous_reader_gets_varnishs_copy(varnish, article):
    first = ask(varnish, "GET", _path(article))
    second = ask(varnish, "GET", _path(article))
    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert "Axonal injury" in second.text
    assert first.text == second.text  # nothing personal in the shared copy
    # Varnish's copy is Django's public one; browsers still revalidate.
    assert "public" in second.headers["Cache-Control"]
    assert not second.cookies


def test_each_level_address_is_its_own_copy(varnish, article):
    level = reverse("reader:level", args=[article.slug, "professional"])
    assert ask(varnish, "GET", level).cache == "MISS"
    assert ask(varnish, "GET", level).cache == "HIT"
    # Cookies other than the level are dropped before the lookup.
    assert ask(varnish, "GET", level, cookie="csrftoken=abc; _ga=1").cache == "HIT"


def test_the_bare_address_keeps_a_copy_per_remembered_level(varnish, article):
    """The bare address shows the level a visitor's cookie remembers: one copy
    per level, and any other cookie beside it changes nothing."""
    plain = ask(varnish, "GET", _path(article))
    remembered = ask(varnish, "GET", _path(article), cookie="audience=professional")
    assert (plain.cache, remembered.cache) == ("MISS", "MISS")
    assert "Axonal injury" in remembered.text and plain.text != remembered.text
    again = ask(varnish, "GET", _path(article), cookie="_ga=7; audience=professional; csrftoken=x")
    assert again.cache == "HIT" and again.text == remembered.text
    # A level that does not exist is no level: the plain copy.
    assert ask(varnish, "GET", _path(article), cookie="audience=wizard").text == plain.text


def test_an_approved_update_shows_on_the_very_next_request(varnish, article, advance):
    ask(varnish, "GET", _path(article))
    assert ask(varnish, "GET", _path(article)).cache == "HIT"
    updated = advance(article, "edit", "submit", "start_review", "send_to_board", "sign")
    after = ask(varnish, "GET", _path(updated))
    assert "Revised after review" in after.text
    assert "Axonal injury" not in after.text


def test_signed_in_readers_are_never_served_from_the_shared_copy(varnish, article):
    UserFactory(username="sam", display_name="Sam Signed")
    anonymous = ask(varnish, "GET", _path(article))
    assert "Signed in as" not in anonymous.text
    # A real sign-in through Varnish: the form page and its POST both reach Django.
    form = ask(varnish, "GET", reverse("accounts:login"))
    csrf = form.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed = ask(
        varnish,
        "POST",
        reverse("accounts:login"),
        cookie=f"csrftoken={csrf}",
        body=f"csrfmiddlewaretoken={token}&username=sam&password={PASSWORD}".encode(),
        headers={"Referer": varnish.url + reverse("accounts:login")},
    )
    assert signed.status == 302, signed.text
    session = f"csrftoken={csrf}; sessionid={signed.cookies['sessionid'].value}"
    for _ in range(2):
        page = ask(varnish, "GET", _path(article), cookie=session)
        assert page.cache == "MISS"
        assert "Signed in as Sam Signed" in page.text
        assert "public" not in page.headers.get("Cache-Control", "")
    # And the signed-in page never became the anonymous copy.
    assert "Signed in as" not in ask(varnish, "GET", _path(article)).text


def test_form_posts_always_reach_the_app(varnish, article):
    login = reverse("accounts:login")
    form = ask(varnish, "GET", login)
    csrf = form.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    for attempt in range(2):
        refused = ask(
            varnish,
            "POST",
            login,
            cookie=f"csrftoken={csrf}",
            body=f"csrfmiddlewaretoken={token}&username=nobody{attempt}&password=wrong".encode(),
            headers={"Referer": varnish.url + login},
        )
        assert refused.cache == "MISS"
        assert "do not match an account" in refused.text
    # The sign-in page itself carries a form token: never shared either.
    assert ask(varnish, "GET", login).cache == "MISS"


def test_a_pending_flash_message_skips_the_shared_copy(varnish, article):
    ask(varnish, "GET", _path(article))
    assert ask(varnish, "GET", _path(article)).cache == "HIT"
    for _ in range(2):
        assert ask(varnish, "GET", _path(article), cookie="messages=anything").cache == "MISS"


def test_purge_drops_the_copy_and_only_trusted_addresses_may_purge(varnish, article):
    ask(varnish, "GET", _path(article))
    refused = ask(varnish, "PURGE", _path(article), source="127.0.0.2")
    assert refused.status == 405
    assert ask(varnish, "GET", _path(article)).cache == "HIT"
    assert ask(varnish, "PURGE", _path(article)).status == 200
    assert ask(varnish, "GET", _path(article)).cache == "MISS"


def test_ban_clears_every_page_and_only_from_trusted_addresses(varnish, article):
    pages = ["/", _path(article), reverse("reader:board")]
    for page in pages:
        ask(varnish, "GET", page)
    assert ask(varnish, "BAN", "/", source="127.0.0.2").status == 405
    assert (
        ask(varnish, "PURGE", "/", headers={"X-Purge-All": "1"}, source="127.0.0.3").status == 405
    )
    assert [ask(varnish, "GET", page).cache for page in pages] == ["HIT"] * 3
    assert ask(varnish, "BAN", "/").status == 200
    assert [ask(varnish, "GET", page).cache for page in pages] == ["MISS"] * 3
    assert [ask(varnish, "GET", page).cache for page in pages] == ["HIT"] * 3
    assert ask(varnish, "PURGE", "/", headers={"X-Purge-All": "1"}).status == 200
    assert [ask(varnish, "GET", page).cache for page in pages] == ["MISS"] * 3


def test_queries_and_private_pages_are_not_shared(varnish, article):
    for path in [_path(article) + "?audience=student", reverse("reader:search") + "?q=drug"]:
        assert [ask(varnish, "GET", path).cache for _ in range(2)] == ["MISS", "MISS"]
