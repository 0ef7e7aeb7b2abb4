"""What the reader pages tell a shared HTTP cache (Varnish, a CDN) in front of
them: anonymous pages are the same bytes for everyone and may be kept; what a
signed-in person, a message or a query string changes is private
(reader/shared_cache.py). The Varnish tests prove a real cache obeys it."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import UserFactory, reference


@pytest.fixture
def published(draft, publish, policy):
    return publish(
        draft,
        body="## Mechanism\n\nAxonal injury is dose related [1].",
        references=[reference(1)],
        audience_versions={"patient_summary": "Sometimes, yes.", "patient_body": "It can, yes."},
    )


def _shared_pages(article) -> list[str]:
    return [
        reverse("reader:home"),
        reverse("reader:public", args=[article.slug]),
        *(
            reverse("reader:level", args=[article.slug, level])
            for level in ("patient", "student", "professional")
        ),
        reverse("reader:history", args=[article.slug]),
        reverse("reader:board"),
        reverse("reader:policy"),
        reverse("reader:feed"),
        reverse("sitemap"),
    ]


def _directives(response) -> dict[str, str]:
    parts = [part.strip() for part in response["Cache-Control"].split(",")]
    return dict(part.partition("=")[::2] for part in parts)


def test_anonymous_reader_pages_may_be_kept_by_a_shared_cache(client, published):
    for path in _shared_pages(published):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _directives(response) == {
            "public": "", "max-age": "0", "s-maxage": "600", "stale-while-revalidate": "60",
        }, path  # fmt: skip
        assert "Cookie" in response["Vary"], path
        # The same bytes for everyone: no cookie set, no form token inside.
        assert not response.cookies, path
        assert b"csrfmiddlewaretoken" not in response.content, path


def test_the_shared_lifetime_comes_from_the_settings(client, published, settings):
    settings.SHARED_CACHE_SECONDS, settings.SHARED_CACHE_STALE_SECONDS = 3600, 15
    response = client.get(reverse("reader:level", args=[published.slug, "student"]))
    assert _directives(response)["s-maxage"] == "3600"
    assert _directives(response)["stale-while-revalidate"] == "15"


def test_two_anonymous_readers_of_a_level_get_identical_pages(published):
    path = reverse("reader:level", args=[published.slug, "patient"])
    first, second = Client().get(path), Client().get(path)
    assert first.content == second.content and first["ETag"] == second["ETag"]


def test_signed_in_pages_stay_private(client, published):
    client.force_login(UserFactory(display_name="Dr Ada Reader"))
    for path in _shared_pages(published):
        response = client.get(path)
        assert "private" in _directives(response), path
        assert "public" not in _directives(response), path
    assert (
        "Dr Ada Reader"
        in client.get(reverse("reader:public", args=[published.slug])).content.decode()
    )


def test_a_page_with_a_message_or_a_query_is_private(client, published):
    sent = client.post(
        reverse("reader:question", args=[published.slug]),
        {"kind": "question", "question": "Does it pass into breast milk?", "audience": "patient"},
    )
    assert sent.status_code == 302
    page = client.get(sent.url.split("#")[0])
    assert "Your message went to our editors" in page.content.decode()
    assert "private" in _directives(page)
    tracked = client.get(reverse("reader:public", args=[published.slug]), {"utm_source": "news"})
    assert "private" in _directives(tracked)
    assert "private" in _directives(client.get(reverse("reader:home"), {"page": "2"}))


def test_forms_with_a_token_and_missing_pages_are_not_shared(client, published):
    form = client.get(reverse("reader:question", args=[published.slug]))
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content
    assert "no-store" in _directives(form) and "public" not in _directives(form)
    missing = client.get(reverse("reader:public", args=["no-such-article"]))
    assert missing.status_code == 404
    assert "public" not in missing.get("Cache-Control", "")


def test_the_article_page_opens_the_question_form_without_javascript(client, published):
    page = client.get(reverse("reader:level", args=[published.slug, "student"])).content.decode()
    link = reverse("reader:question", args=[published.slug]) + "?audience=student"
    assert f'href="{link}"' in page and "Write to the editors" in page
    assert "{#" not in page and "{%" not in page  # no template comment leaks into the page
    form = client.get(link).content.decode()
    assert "Ask our editors about" in form and 'action="/articles/' in form
