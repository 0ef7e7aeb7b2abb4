"""How readers and machines find articles: list, search, sitemap, feed,
robots.txt and the page's structured data. Nothing unpublished leaks."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse


@pytest.fixture
def library(make_article, advance, policy):
    approved = advance(
        make_article(title="Can statins cause muscle pain?", body="Myalgia is common [1]."),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    in_review = advance(
        make_article(title="Does statin myalgia go away?", body="Usually it does [1]."),
        "submit", "start_review",
    )  # fmt: skip
    draft = make_article(title="Statins draft only?", body="Secret statin draft [1].")
    rejected = advance(
        make_article(title="Statins rejected?", body="Rejected statin text [1]."),
        "submit", "desk_reject",
    )  # fmt: skip
    return {"approved": approved, "in_review": in_review, "draft": draft, "rejected": rejected}


def test_home_lists_public_articles_with_their_stage(client, library):
    text = client.get(reverse("articles:home")).content.decode()
    assert "Can statins cause muscle pain?" in text and "Approved" in text
    assert "Does statin myalgia go away?" in text and "Under Review" in text
    assert "draft only" not in text and "rejected?" not in text


def test_home_hides_work_in_review_when_the_policy_does(client, library, policy):
    policy.public_in_review = False
    policy.save()
    text = client.get(reverse("articles:home")).content.decode()
    assert "Does statin myalgia go away?" not in text


def test_home_is_kept_whole_for_visitors_until_an_article_changes(
    client,
    library,
    make_article,
    advance,
    settings,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    settings.PAGE_CACHE = True
    home = reverse("articles:home")
    first = client.get(home).content.decode()
    with django_assert_max_num_queries(0):
        again = client.get(home)
    assert again.content.decode() == first and "Cookie" in again["Vary"]
    with django_capture_on_commit_callbacks(execute=True):
        advance(
            make_article(title="Is creatine safe for kidneys?"),
            "submit", "start_review", "send_to_board", "sign",
        )  # fmt: skip
    assert "Is creatine safe for kidneys?" in client.get(home).content.decode()


def test_home_cache_follows_the_policy_and_skips_signed_in_readers(
    client, library, policy, settings, editor, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    home = reverse("articles:home")
    assert "Does statin myalgia go away?" in client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        policy.public_in_review = False
        policy.save()
    assert "Does statin myalgia go away?" not in client.get(home).content.decode()
    client.force_login(editor)
    assert "Sign out" in client.get(home).content.decode()


def test_search_finds_public_text_ranks_titles_and_highlights(client, library):
    response = client.get(reverse("articles:search"), {"q": "statins"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Can statins cause muscle pain?" in text
    assert "Secret statin draft" not in text and "Rejected statin text" not in text
    assert "<mark>" in text


def test_search_matches_the_body_and_filters_by_stage(client, library):
    text = client.get(reverse("articles:search"), {"q": "myalgia"}).content.decode()
    assert "Can statins cause muscle pain?" in text and "Does statin myalgia go away?" in text
    approved_only = client.get(
        reverse("articles:search"), {"q": "myalgia", "stage": "approved"}
    ).content.decode()
    assert "Does statin myalgia go away?" not in approved_only
    assert "Can statins cause muscle pain?" in approved_only


def test_search_highlights_safely(client, make_article, advance, policy):
    advance(
        make_article(title="Hostile?", body="Dangerous <script>alert('x')</script> dose [1]."),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    text = client.get(reverse("articles:search"), {"q": "dangerous dose"}).content.decode()
    assert "<script>alert" not in text
    assert "<mark>dose</mark>" in text


def test_empty_or_odd_queries_do_not_fail(client, library):
    for q in ["", "   ", "!!!", "a" * 1000, "'; DROP TABLE x; --"]:
        assert client.get(reverse("articles:search"), {"q": q}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking uses PostgreSQL")
def test_postgres_ranks_title_matches_above_body_matches(client, make_article, advance, policy):
    for title, body in [
        ("Does coffee raise blood pressure?", "Caffeine has short effects [1]."),
        ("Is tea healthy?", "Tea has less caffeine than coffee, and coffee drinkers [1]."),
    ]:
        advance(
            make_article(title=title, body=body), "submit", "start_review", "send_to_board", "sign"
        )
    text = client.get(reverse("articles:search"), {"q": "coffee"}).content.decode()
    assert text.index("Does coffee raise blood pressure?") < text.index("Is tea healthy?")


def test_search_query_count_is_bounded(client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get(reverse("articles:search"), {"q": "statin"})
    with django_assert_max_num_queries(5):
        client.get(reverse("articles:home"))


def test_sitemap_lists_public_pages_only(client, library):
    text = client.get("/sitemap.xml").content.decode()
    assert reverse("articles:public", args=[library["approved"].slug]) in text
    assert reverse("articles:public", args=[library["in_review"].slug]) in text
    assert library["draft"].slug not in text and library["rejected"].slug not in text
    assert "/editorial-policy/" in text and "/board/" in text
    assert "<lastmod>" in text


def test_feed_lists_newly_approved_articles_only(client, library):
    response = client.get(reverse("articles:feed"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Can statins cause muscle pain?" in text
    assert "myalgia go away" not in text and "draft only" not in text


def test_robots_txt_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /desk/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_structured_data_names_the_signers_and_dates(client, library):
    article = library["approved"]
    data = _json_ld(client.get(reverse("articles:public", args=[article.slug])).content.decode())
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "Can statins cause muscle pain?"
    assert data["lastReviewed"] == f"{article.approved_at:%Y-%m-%d}"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Bo Board", "honorificSuffix": "MD"}]
    assert data["medicalAudience"]["audienceType"] == "Patient"
    assert data["citation"][0]["name"] == "A study of things number 1"
    assert "datePublished" in data and "dateModified" in data


def test_an_approved_update_keeps_the_first_publication_date(client, library, advance):
    article = library["approved"]
    first = article.approved_at
    article = advance(article, "edit", "submit", "start_review", "send_to_board", "sign")
    article.refresh_from_db()
    assert article.approved_at > first and article.first_approved_at == first
    data = _json_ld(client.get(reverse("articles:public", args=[article.slug])).content.decode())
    assert data["datePublished"] == first.isoformat()
    assert data["dateModified"] > first.isoformat()


def test_structured_data_follows_the_chosen_level_and_cannot_be_broken_out_of(
    client, make_article, advance, policy
):
    article = advance(
        make_article(title="Break </script><script>alert(1)</script> out?"),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    html = client.get(
        reverse("articles:public", args=[article.slug]), {"audience": "professional"}
    ).content.decode()
    assert "</script><script>alert(1)" not in html
    data = _json_ld(html)
    assert data["name"] == "Break </script><script>alert(1)</script> out?"
    assert data["medicalAudience"]["audienceType"] == "Clinician"


def test_unapproved_pages_claim_no_review(client, library):
    article = library["in_review"]
    data = _json_ld(client.get(reverse("articles:public", args=[article.slug])).content.decode())
    assert "lastReviewed" not in data and "reviewedBy" not in data
