"""Absurd query parameters on every URL: a page, a form error, a redirect or
a refusal, never a server error.

The URLs come from the resolver (as in the permission matrix, less the
admin, whose lists have a test of their own at the end) and every one of
them is walked, GET only, by an anonymous visitor, the author, the
invited reviewer, an editor and a board member. PARAMETERS lists, per URL
name, each query parameter its view reads; a test-only middleware swaps
request.GET for a QueryDict that records every key looked up, so a view
that starts reading a parameter missing from the table fails
test_every_parameter_a_view_reads_is_listed until someone adds it (and
with it, its hostile values). Each listed parameter is sent alone with
each hostile value of its kind while the others hold ordinary values (a
real search with an absurd page), then all of them hostile at once; and
every URL also gets the union of all known names, so a view reading one
of them without saying so is still exercised.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from articles.models import GlossaryTerm

from .matrix_world import build_world, url_for, url_names

# Asks pytest-django for the test database, which the module's walk uses.
pytestmark = pytest.mark.django_db

# The matrix's roles less its second author and uninvited reviewer, who
# reach no parameter the others do not (and each role costs seconds).
ROLES = ["anonymous", "author", "invited_reviewer", "editor", "board_member"]
NUMBER, TEXT, CHOICE, DATE = "number", "text", "choice", "date"

# URL name -> {parameter: (kind, an ordinary value)}
PARAMETERS = {
    "reader:home": {"page": (NUMBER, "2")},
    "reader:search": {"q": (TEXT, "the"), "stage": (CHOICE, "approved"), "page": (NUMBER, "2")},
    "reader:public": {"audience": (CHOICE, "patient")},
    "reader:audience": {"audience": (CHOICE, "patient")},
    "reader:question": {"audience": (CHOICE, "patient")},
    "reader:compare": {
        "old": (NUMBER, "1"),
        "new": (NUMBER, "1"),
        "audience": (CHOICE, "patient"),
    },
    "articles:notice": {"kind": (CHOICE, "correction")},
    "articles:compare": {"old": (NUMBER, "1"), "new": (NUMBER, "1")},
    "office:glossary": {"q": (TEXT, "dose"), "page": (NUMBER, "2")},
    "office:questions": {"show": (CHOICE, "handled"), "page": (NUMBER, "2")},
    "office:audit": {
        "person": (NUMBER, "1"),
        "action": (CHOICE, "submit"),
        "article": (NUMBER, "1"),
        "since": (DATE, "2020-01-31"),
        "until": (DATE, "2040-12-31"),
        "page": (NUMBER, "2"),
    },
    "office:audit_csv": {
        "person": (NUMBER, "1"),
        "action": (CHOICE, "submit"),
        "article": (NUMBER, "1"),
        "since": (DATE, "2020-01-31"),
        "until": (DATE, "2040-12-31"),
    },
    "accounts:people": {"role": (CHOICE, "editor"), "q": (TEXT, "ed"), "page": (NUMBER, "2")},
    "accounts:inbox": {"page": (NUMBER, "2")},
    "office:queue": {"state": (CHOICE, "submitted")},
    "accounts:login": {"next": (TEXT, "/desk/")},
    "sitemap": {"p": (NUMBER, "1")},
}

HUGE = "99999999999999999999"
# Raw, already percent-encoded: they go into the query string as they are.
ANY_KIND = [
    HUGE,
    str(2**63),
    str(-(2**63) - 1),
    "-1",
    "0",
    "%00",
    "the%00",
    "%ff%fe",
    "%ef%bf%bf%ed%a0%80",  # a noncharacter, then a lone surrogate
    "x" * 10_000,
    "9" * 10_000,  # past Python's int() digit limit
    "",
]
HOSTILE = {
    NUMBER: [*ANY_KIND, "abc", "1.5", "1e9", "0x10", "%ef%bc%91", "%201%20"],  # fullwidth one
    TEXT: [*ANY_KIND, "%22%3E%3Cscript%3E", "%25", "%5C", "*", "'", "a%20or%201%3D1"],
    CHOICE: [*ANY_KIND, "nonsense"],
    DATE: [*ANY_KIND, "2023-02-30", "2023-13-01", "0000-00-00", "0001-01-01",
           "9999-12-31", "99999-01-01", "2023-02-30T00:00"],
}  # fmt: skip
# Every name on every URL, with fewer values: the targeted walk above
# already tries each kind's full list where the name is read.
UNION_VALUES = [HUGE, str(2**63), "-1", "%00", "%ff%fe", "x" * 10_000]
KNOWN_NAMES = sorted({name for parameters in PARAMETERS.values() for name in parameters})


def test_a_page_past_the_end_of_any_list_is_an_empty_page(client, db):
    for huge in [HUGE, str(2**63)]:
        home = client.get(f"/?page={huge}")
        search = client.get(f"/search/?q=the&page={huge}")
        assert (home.status_code, search.status_code) == (200, 200)
        assert "past the last article" in home.content.decode()
        assert "Nothing matched" in search.content.decode()
    assert ", page 2" in client.get("/search/?q=the&page=2").content.decode()


def test_a_null_character_in_the_address_is_refused_with_a_sentence(client, editor):
    client.force_login(editor)
    GlossaryTerm.objects.create(term="dose", explanation="how much")
    for path in ["/search/", reverse("accounts:people"), reverse("office:glossary")]:
        for query in ["q=%00", "q=dose%00", "%00=dose"]:
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert "contains a null character" in response.content.decode()
    assert "how much" in client.get(reverse("office:glossary"), {"q": "dose"}).content.decode()


def test_an_article_number_too_large_for_the_database_is_a_form_error(
    client, editor, make_article, advance
):
    article = advance(make_article(title="Is the audit filter sane?"), "submit")
    client.force_login(editor)
    for huge in [HUGE, str(2**63)]:
        response = client.get(reverse("office:audit"), {"article": huge})
        text = response.content.decode()
        assert response.status_code == 200
        assert "No article has a number that large." in text and "No entries match." in text
    shown = client.get(reverse("office:audit"), {"article": article.pk}).content.decode()
    assert "Is the audit filter sane?" in shown
    assert client.get(reverse("office:audit_csv"), {"article": HUGE}).status_code == 200


class _RecordingQueryDict(QueryDict):
    """Notes each key a view looks up. Building the dict looks keys up too,
    so recording starts only once it is handed to the request."""

    reads: set[str] | None = None

    def _note(self, key):
        if self.reads is not None:
            self.reads.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


_reads_of_current_url: set[str] = set()


def recording_query_middleware(get_response):
    def middleware(request):
        query = _RecordingQueryDict(request.META.get("QUERY_STRING", ""), encoding=request.encoding)
        query.reads = _reads_of_current_url
        request.GET = query
        return get_response(request)

    return middleware


def _query_strings(name):
    """Every hostile combination for this URL's parameters."""
    parameters = PARAMETERS.get(name, {})
    ordinary = {key: value for key, (_, value) in parameters.items()}
    for key, (kind, value) in parameters.items():
        others = [f"{k}={v}" for k, v in ordinary.items() if k != key]
        for hostile in HOSTILE[kind]:
            yield "&".join([*others, f"{key}={hostile}"])
        # The same name twice: Django reads the last, forms may read a list.
        yield "&".join([*others, f"{key}={value}", f"{key}={HUGE}"])
        yield "&".join([*others, f"{key}=%00", f"{key}={value}"])
    for hostile in UNION_VALUES:
        yield "&".join(f"{key}={hostile}" for key in KNOWN_NAMES)


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker):
    """Walk once for the module: the world is built in a transaction that is
    rolled back at the end; each request runs in its own savepoint, so a
    database error in one (PostgreSQL aborts the transaction) cannot spoil
    the next."""
    global _reads_of_current_url
    failures, reads = {}, {}
    middleware = ["tests.security.test_hostile_parameters.recording_query_middleware"]
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MIDDLEWARE=[*middleware, *settings.MIDDLEWARE]),
        transaction.atomic(),
    ):
        people, kwargs, special = build_world()
        make_password("warm")  # the hasher's first use is not the test's business
        client = Client()
        for name in url_names():
            url = url_for(name, kwargs, special)
            reads[name] = _reads_of_current_url = set()
            for role in ROLES:
                client.logout()
                if role != "anonymous":
                    client.force_login(people[role])
                for query in _query_strings(name):
                    cache.clear()  # rate-limit counters, cached pages
                    try:
                        with transaction.atomic():
                            status = client.get(f"{url}?{query}").status_code
                    except Exception as exc:  # the client re-raises the view's error
                        status = f"{type(exc).__name__}: {str(exc)[:200]}"
                    if not isinstance(status, int) or status >= 500:
                        failures.setdefault(f"{name}?{query[:100]} -> {status}", []).append(role)
        transaction.set_rollback(True)
    cache.clear()
    return failures, reads


def test_no_hostile_parameter_gives_a_server_error(walk):
    failures, _ = walk
    lines = [f"{failure} as {', '.join(roles)}" for failure, roles in failures.items()]
    assert lines == [], f"{len(lines)} on {connection.vendor}:\n" + "\n".join(lines[:40])


def test_every_parameter_a_view_reads_is_listed(walk):
    _, reads = walk
    unlisted = {name: sorted(keys - set(PARAMETERS.get(name, {}))) for name, keys in reads.items()}
    stale = {name: sorted(set(keys) - reads.get(name, set())) for name, keys in PARAMETERS.items()}
    assert {name: keys for name, keys in unlisted.items() if keys} == {}
    assert {name: keys for name, keys in stale.items() if keys} == {}


# What the admin's own lists read besides their filters (Django's names).
ADMIN_LIST_PARAMETERS = ["q", "p", "o", "all", "e", "_popup", "_to_field", "_changelist_filters"]


def test_no_hostile_parameter_breaks_an_admin_list(client, db):
    """The admin reads every parameter of a list as a filter, so no table
    of names could be complete: each list gets Django's own parameters and
    those of its filters, as the filter links write them."""
    build_world()
    root = User.objects.create_superuser("root", "root@example.org", "Root-pass-12345")
    client.force_login(root)
    failures = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = RequestFactory().get(url)
        request.user = root
        filters = model_admin.get_changelist_instance(request).filter_specs
        names = ADMIN_LIST_PARAMETERS + [n for spec in filters for n in spec.expected_parameters()]
        for name in names:
            for hostile in UNION_VALUES:
                try:
                    with transaction.atomic():
                        status = client.get(f"{url}?{name}={hostile}").status_code
                except Exception as exc:  # the client re-raises the view's error
                    status = f"{type(exc).__name__}: {str(exc)[:200]}"
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{url}?{name}={hostile[:30]} -> {status}")
    assert failures == []
