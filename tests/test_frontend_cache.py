"""Purging the shared HTTP cache (reader/frontend_cache.py): after a change
commits, the cache in front of the site forgets exactly the public pages
that change made stale, and a cache that fails never fails the editor.

Varnish is played by a real HTTP server on 127.0.0.1 that records the
PURGE and BAN requests it gets; Cloudflare's API by recorded answers."""

import json
import logging
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from accounts.models import Role
from accounts.services import role_grant
from articles.models import ArticleState, AuditEntry, GlossaryTerm
from articles.services import revision_save_draft
from reader import frontend_cache
from reader.tasks import purge_shared_cache

from .factories import PASSWORD, reference

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LISTS = ["/", "/feeds/approved/", "/sitemap.xml", "/board/"]


def article_pages(slug: str) -> list[str]:
    base = f"/articles/{slug}/"
    return [base, *(f"{base}{level}/" for level in ("patient", "student", "professional")),
            f"{base}history/"]  # fmt: skip


def purges(server) -> list[tuple[str, str]]:
    return sorted(server.received)


class _VarnishStandIn(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self._answer()

    def do_BAN(self):
        self._answer()

    def _answer(self):
        self.server.received.append((self.command, self.path))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings, respx_mock):
    """A local HTTP server standing in for Varnish: it records each request
    and answers with `status` (200 unless a test says otherwise)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VarnishStandIn)
    server.received = []
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The autouse router refuses every unrecorded request; this server is local.
    respx_mock.route(host="127.0.0.1").pass_through()
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.VARNISH_URLS = [f"http://127.0.0.1:{server.server_port}"]
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def nothing_listening(settings, respx_mock):
    """VARNISH_URLS names a port nobody listens on: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    respx_mock.route(host="127.0.0.1").pass_through()
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.VARNISH_URLS = [f"http://127.0.0.1:{port}"]


@pytest.fixture
def in_board_review(draft, advance):
    return advance(draft, "submit", "start_review", "send_to_board")


@pytest.fixture
def dummy_tasks(settings):
    """A task runner that keeps what is enqueued (and can defer) instead of running it."""
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def _sign(client, article):
    data = {"password": PASSWORD, "seen_revision": article.current_revision_id, "confirm": "on"}
    data.update({f"confirm_{name}": "on" for name in ("professional", "patient", "student")})
    return client.post(reverse("reviews:signoff", args=[article.pk]), data)


def _purge_tasks(backend):
    return [r for r in backend.results if r.task.name == purge_shared_cache.name]


# -- Choosing the cache -------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [
        ("none", frontend_cache.FrontendCache),
        ("varnish", frontend_cache.VarnishCache),
        ("cloudflare", frontend_cache.CloudflareCache),
    ],
)
def test_the_setting_chooses_the_cache_purges_go_to(settings, name, kind):
    settings.FRONTEND_CACHE_BACKEND = name
    settings.VARNISH_URLS = ["http://10.0.0.5:6081"]
    settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN = "zone", "token"
    assert type(frontend_cache.frontend_cache()) is kind


@pytest.mark.parametrize(
    "name, message",
    [("varnish", r"reader.E002.*VARNISH_URLS"), ("cloudflare", r"reader.E003.*API_TOKEN")],
)
def test_a_deployment_refuses_a_cache_it_cannot_reach(settings, name, message):
    settings.FRONTEND_CACHE_BACKEND = name
    settings.VARNISH_URLS = []
    settings.CLOUDFLARE_ZONE_ID = "zone"
    settings.CLOUDFLARE_API_TOKEN = ""
    with pytest.raises(SystemCheckError, match=rf"(?s){message}"):
        call_command("check", deploy=True, tags=["caches"])
    settings.VARNISH_URLS = ["http://10.0.0.5:6081"]
    settings.CLOUDFLARE_API_TOKEN = "token"
    call_command("check", deploy=True, tags=["caches"])


def test_with_no_shared_cache_a_change_queues_no_purge(
    client, in_board_review, board_member, dummy_tasks, django_capture_on_commit_callbacks
):
    client.force_login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign(client, in_board_review).status_code == 302
    assert _purge_tasks(dummy_tasks) == []


# -- Which pages each change purges, after commit -----------------------------


def test_approving_purges_the_article_and_the_lists_once_committed(
    client, in_board_review, board_member, varnish, django_capture_on_commit_callbacks
):
    client.force_login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign(client, in_board_review)
        assert varnish.received == []  # not before the approval is committed
    assert response.status_code == 302
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.APPROVED
    expected = article_pages(in_board_review.slug) + LISTS
    assert purges(varnish) == sorted(("PURGE", path) for path in expected)


def test_one_approval_queues_one_purge_task(
    client, in_board_review, board_member, dummy_tasks, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # Signing fires several changes (signature, approval, review dates); the
    # shared cache gets one task with each page once.
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.VARNISH_URLS = ["http://127.0.0.1:9"]
    client.force_login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign(client, in_board_review).status_code == 302
    (queued,) = _purge_tasks(dummy_tasks)
    paths, everything = queued.args
    assert everything is False
    assert paths == sorted(article_pages(in_board_review.slug) + LISTS)


def test_a_rolled_back_change_purges_nothing(
    make_article, advance, policy, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = advance(make_article(title="First question?"), "submit", "start_review",
                        "send_to_board")  # fmt: skip
        second = advance(make_article(title="Second question?"), "submit", "start_review",
                         "send_to_board")  # fmt: skip
    varnish.received.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        advance(first, "sign")
        raise RuntimeError("the approval fails after the signature")
    assert varnish.received == []
    # The next change purges its own pages, and nothing of the one undone.
    with django_capture_on_commit_callbacks(execute=True):
        advance(second, "sign")
    assert purges(varnish) == sorted(("PURGE", p) for p in article_pages(second.slug) + LISTS)


def test_a_retraction_purges_the_article_and_the_lists(
    client, in_board_review, advance, editor, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = advance(in_board_review, "sign")
    varnish.received.clear()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("articles:notice", args=[article.pk]),
            {"kind": "retraction", "reason": "The main study was withdrawn by its journal."},
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.RETRACTED
    assert purges(varnish) == sorted(("PURGE", p) for p in article_pages(article.slug) + LISTS)


def test_a_policy_change_empties_the_whole_cache(
    client, editor, policy, varnish, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    form = client.get(reverse("office:policy")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(citation_style="ama", note="Readers asked for AMA.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("office:policy"), data)
    assert response.status_code == 302
    assert varnish.received == [("BAN", "/")]


def test_a_glossary_edit_purges_nothing_as_pages_keep_their_pinned_words(
    client, draft, advance, author, editor, varnish, django_capture_on_commit_callbacks
):
    term = GlossaryTerm.objects.create(term="neuropathy", explanation="damage to nerves")
    revision_save_draft(
        article=draft,
        author=author,
        seen_hash=draft.current_revision.content_hash,
        title=draft.title,
        primary_audience="patient",
        summary="Yes, in some people.",
        body="## Mechanism\n\nAxonal injury [1].",
        references=[reference(1)],
        audience_versions={
            "patient_summary": "Sometimes it causes neuropathy.",
            "patient_body": "## Why\n\nSome people get neuropathy [1].",
        },
    )
    draft.refresh_from_db()
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    varnish.received.clear()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("office:glossary_edit", args=[term.pk]),
            {"term": "neuropathy", "explanation": "harm to the nerves"},
        )
    assert response.status_code == 302
    assert varnish.received == []
    client.logout()
    page = client.get(reverse("reader:level", args=[article.slug, "patient"])).content.decode()
    # What a cached copy holds is still what the page says.
    assert "damage to nerves" in page and "harm to the nerves" not in page


def test_a_board_members_new_name_purges_the_board_and_what_they_signed(
    in_board_review, advance, board_member, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = advance(in_board_review, "sign")
    varnish.received.clear()
    board_member.display_name = "Bo Board-Smith"
    with django_capture_on_commit_callbacks(execute=True):
        board_member.save()
    expected = ["/board/", *article_pages(article.slug)]
    assert purges(varnish) == sorted(("PURGE", p) for p in expected)


def test_a_new_board_member_purges_the_board_page(
    editor, stranger, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(editor=editor, person=stranger, role=Role.BOARD, reason="Joined the board.")
    assert varnish.received == [("PURGE", "/board/")]


def test_signing_in_purges_nothing(
    client, board_member, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:login"), {"username": "board", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert varnish.received == []


# -- A cache that fails -------------------------------------------------------


@pytest.mark.parametrize("failure", ["server error", "refused"])
def test_a_failing_cache_never_fails_the_editors_action(
    request, client, in_board_review, board_member, caplog, failure,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    if failure == "server error":
        request.getfixturevalue("varnish").status = 500
    else:
        request.getfixturevalue("nothing_listening")
    client.force_login(board_member)
    with (
        caplog.at_level(logging.WARNING, logger="reader.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _sign(client, in_board_review)
    assert response.status_code == 302
    assert "approved" in client.get(response.url).content.decode().lower()
    in_board_review.refresh_from_db()
    assert in_board_review.state == ArticleState.APPROVED
    assert AuditEntry.objects.filter(article=in_board_review, action="approve").exists()
    # The suite's task runner runs tasks at once and cannot wait: one try, logged.
    (logged,) = [r for r in caplog.records if r.name == "reader.tasks"]
    assert logged.levelno == logging.ERROR
    message = logged.getMessage()
    assert "(varnish)" in message and f"/articles/{in_board_review.slug}/" in message
    assert "cannot retry later" in message
    assert ("HTTP 500" if failure == "server error" else "ConnectError") in message


def test_a_failed_purge_is_retried_later_with_growing_pauses_then_given_up(
    varnish, dummy_tasks, settings, caplog
):
    varnish.status = 500
    settings.FRONTEND_CACHE_RETRIES = 3
    with caplog.at_level(logging.WARNING, logger="reader.tasks"):
        assert purge_shared_cache.call(["/board/"]) is False
        assert purge_shared_cache.call(["/board/"], False, 2) is False
        assert purge_shared_cache.call(["/board/"], False, 3) is False
    first, second = _purge_tasks(dummy_tasks)  # none after the third attempt
    assert (first.args, second.args) == ([["/board/"], False, 2], [["/board/"], False, 3])
    now = timezone.now()
    assert timedelta(seconds=25) < first.task.run_after - now <= timedelta(seconds=30)
    assert timedelta(seconds=55) < second.task.run_after - now <= timedelta(seconds=60)
    levels = [r.levelno for r in caplog.records if r.name == "reader.tasks"]
    assert levels == [logging.WARNING, logging.WARNING, logging.ERROR]
    assert "failed 3 times, giving up" in caplog.records[-1].getMessage()
    assert varnish.received == [("PURGE", "/board/")] * 3
    varnish.status = 200
    assert purge_shared_cache.call(["/board/"], False, 2) is True


# -- Cloudflare ---------------------------------------------------------------

ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
PURGE_URL = f"https://api.cloudflare.com/client/v4/zones/{ZONE}/purge_cache"
# The shape of Cloudflare's answers to a purge call.
PURGED = {"success": True, "errors": [], "messages": [], "result": {"id": ZONE}}
REFUSED = {
    "success": False,
    "errors": [{"code": 10000, "message": "Authentication error"}],
    "messages": [],
    "result": None,
}


@pytest.fixture
def cloudflare(settings):
    settings.FRONTEND_CACHE_BACKEND = "cloudflare"
    settings.CLOUDFLARE_ZONE_ID = ZONE
    settings.CLOUDFLARE_API_TOKEN = "purge-token"
    settings.SITE_URL = "https://medreview.example.org"


def test_cloudflare_gets_absolute_urls_thirty_to_a_call(cloudflare, respx_mock):
    route = respx_mock.post(PURGE_URL).mock(return_value=httpx.Response(200, json=PURGED))
    paths = [f"/articles/a-{n}/" for n in range(32)]
    assert purge_shared_cache.call(paths) is True
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert [len(body["files"]) for body in bodies] == [30, 2]
    assert bodies[0]["files"][0] == "https://medreview.example.org/articles/a-0/"
    assert all(c.request.headers["Authorization"] == "Bearer purge-token" for c in route.calls)


def test_cloudflare_purge_everything(cloudflare, respx_mock):
    route = respx_mock.post(PURGE_URL).mock(return_value=httpx.Response(200, json=PURGED))
    assert purge_shared_cache.call([], True) is True
    assert json.loads(route.calls.last.request.content) == {"purge_everything": True}


def test_cloudflare_refusing_a_purge_is_a_logged_failure(cloudflare, respx_mock, caplog):
    respx_mock.post(PURGE_URL).mock(return_value=httpx.Response(403, json=REFUSED))
    with caplog.at_level(logging.WARNING, logger="reader.tasks"):
        assert purge_shared_cache.call(["/board/"]) is False
    message = caplog.records[-1].getMessage()
    assert "(cloudflare)" in message and "/board/" in message
    assert "Authentication error" in message


# -- A CDN in front of Varnish ---------------------------------------------------


def test_varnish_then_the_cdn_in_front_of_it_are_both_purged(
    varnish, cloudflare, respx_mock, settings
):
    settings.FRONTEND_CACHE_BACKEND = "varnish,cloudflare"
    route = respx_mock.post(PURGE_URL).mock(return_value=httpx.Response(200, json=PURGED))
    assert purge_shared_cache.call(["/board/"]) is True
    assert [(method, path) for method, path in varnish.received] == [("PURGE", "/board/")]
    assert json.loads(route.calls.last.request.content) == {
        "files": ["https://medreview.example.org/board/"]
    }


def test_the_cdn_is_not_purged_while_varnish_behind_it_still_holds_the_page(
    varnish, cloudflare, respx_mock, settings, caplog
):
    """Purged first, the CDN would fetch the stale copy again from Varnish."""
    settings.FRONTEND_CACHE_BACKEND = "varnish,cloudflare"
    varnish.status = 500
    route = respx_mock.post(PURGE_URL).mock(return_value=httpx.Response(200, json=PURGED))
    with caplog.at_level(logging.WARNING, logger="reader.tasks"):
        assert purge_shared_cache.call(["/board/"]) is False
    assert not route.called
    assert "(varnish,cloudflare)" in caplog.records[-1].getMessage()


def test_an_unknown_cache_name_stops_the_site_from_starting(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from core.env import env_choices

    monkeypatch.setenv("FRONTEND_CACHE_BACKEND", "varnish,fastly")
    with pytest.raises(ImproperlyConfigured, match="fastly"):
        env_choices("FRONTEND_CACHE_BACKEND", "none", ("none", "varnish", "cloudflare"))
