"""A lean origin (issue #25): an anonymous reader's page costs the server no
cookie and no session, so a shared cache can keep it, and cutting the
per-request work took no security header away from any page."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.middleware import ContentSecurityPolicyMiddleware

from ..factories import reference

# What every page sends; HSTS too, over HTTPS (the `production_hsts` fixture).
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
}


@pytest.fixture(autouse=True)
def production_hsts(settings):
    # The test settings start from DEBUG (no DATABASE_URL), which turns HSTS off.
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_PRELOAD = True


@pytest.fixture
def published(draft, publish, policy):
    return publish(draft, body="## Why\n\nA dose-related injury [1].", references=[reference(1)])


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert _directives(response) == POLICY
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def _session_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


@pytest.mark.parametrize("address", ["/", "/board/", "/editorial-policy/"])
def test_an_anonymous_reader_page_sets_no_cookie_and_reads_no_session(client, published, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    # Django keeps the cookies it will send apart from the other headers.
    assert not response.cookies
    assert _session_queries(captured) == []


def test_an_anonymous_article_page_sets_no_cookie_and_reads_no_session(client, published):
    for address in (
        reverse("reader:public", args=[published.slug]),
        reverse("reader:level", args=[published.slug, "patient"]),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200
        assert not response.cookies, address
        assert _session_queries(captured) == []


def test_a_signed_in_reader_still_has_a_session(client, published, stranger):
    client.force_login(stranger)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reader:public", args=[published.slug]))
    assert response.status_code == 200
    assert response.context["user"] == stranger
    assert _session_queries(captured)


@pytest.mark.parametrize(
    "address", ["/", "/healthz", "/board/", "/no-such-page/", "/accounts/login/"]
)
def test_anonymous_pages_keep_every_security_header(client, db, address):
    response = client.get(address, secure=True)
    assert response.status_code in (200, 404)
    assert_security_headers(response)


def test_the_article_page_keeps_every_security_header_anonymous_and_signed_in(
    client, published, stranger
):
    address = reverse("reader:public", args=[published.slug])
    assert_security_headers(client.get(address, secure=True))
    client.force_login(stranger)
    assert_security_headers(client.get(address, secure=True))


def test_a_signed_in_desk_keeps_every_security_header(client, author):
    client.force_login(author)
    response = client.get(reverse("articles:desk"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_changed_policy_is_sent_at_once(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    assert "img-src 'self'" in _directives(client.get("/healthz"))


def test_a_view_that_adjusts_the_policy_still_gets_its_own():
    # No view of ours adjusts the policy today; django-csp's decorators must
    # keep working if one ever does (the policy built once is skipped).
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/")
    middleware.process_request(request)
    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://images.example.org"]}
    middleware.process_response(request, response)
    assert "img-src 'self' data: https://images.example.org" in _directives(response)


def test_a_request_for_another_host_gets_a_plain_refusal(client, db, settings):
    """A Host header the site does not serve is refused before anyone is
    signed in; the error page still draws (it was a server error)."""
    settings.DEBUG = False
    response = client.get(reverse("reader:home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
