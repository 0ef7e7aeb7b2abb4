"""How readers and machines find articles: list, search, sitemap, feed,
robots.txt and the page's structured data. Nothing unpublished leaks."""

import json
import re
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.html import escape

from articles.models import EditorialPolicy, PublicFrom
from reader import search, snippets
from reader.models import PublicArticle, SearchDocument


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
    text = client.get(reverse("reader:home")).content.decode()
    assert "Can statins cause muscle pain?" in text and "Approved" in text
    assert "Does statin myalgia go away?" in text and "Under Review" in text
    assert "draft only" not in text and "rejected?" not in text


def test_list_entries_show_the_start_of_a_long_summary(client, make_article, advance, policy):
    words = [f"word{n}" for n in range(1, 51)]
    summary = " ".join(words[:20]) + "  \t " + " ".join(words[20:])
    advance(
        make_article(title="Is a long answer cut short?", summary=summary),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    text = client.get(reverse("reader:home")).content.decode()
    # Cut at a word, about 220 characters in, the white space made one.
    shown = re.search(r"(word1 word2 .*?)</p>", text).group(1)
    assert shown.endswith(" …") and 180 < len(shown) <= 222
    assert " ".join(shown[:-2].split()) == " ".join(words[: len(shown[:-2].split())])
    assert "word50" not in text


def test_home_hides_work_in_review_when_the_policy_does(client, library, policy):
    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    text = client.get(reverse("reader:home")).content.decode()
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
    home = reverse("reader:home")
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
    home = reverse("reader:home")
    assert "Does statin myalgia go away?" in client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        policy.public_from = PublicFrom.APPROVAL
        policy.save()
    assert "Does statin myalgia go away?" not in client.get(home).content.decode()
    client.force_login(editor)
    assert "Sign out" in client.get(home).content.decode()


def _entry(entry: dict) -> tuple:
    """What a list shows of an entry from PublicArticle.objects.listed()."""
    return (
        entry["slug"], entry["state"], entry["published_revision_id"],
        entry["shown_title"], entry["published_summary"],
    )  # fmt: skip


def _expected_entry(article) -> tuple:
    """The same, worked out from the article and its published revision."""
    revision = article.published_revision
    return (
        article.slug, article.state, article.published_revision_id,
        revision.title if revision else article.title, revision and revision.summary,
    )  # fmt: skip


@pytest.mark.parametrize("policy_row", ["shows work in review", "hides it", "not saved yet"])
def test_home_lists_match_the_visibility_rule(
    library, make_article, advance, policy, policy_row, django_assert_max_num_queries
):
    """The home page's two lists are the visibility rule's stages, each
    read in one query with everything an entry shows, in the same order
    as the rule's plain query, on every database."""
    advance(library["approved"], "edit", "submit")  # an update in review keeps its page
    withdrawn = advance(library["in_review"], "withdraw")
    assert withdrawn.state == "withdrawn"
    advance(library["draft"], "submit")
    advance(make_article(title="Does zinc help a cold?"), "submit", "start_review")
    advance(
        make_article(title="Is vitamin D worth taking?"),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    if policy_row == "hides it":
        policy.public_from = PublicFrom.APPROVAL
        policy.save()
    elif policy_row == "shows work in review":
        policy.public_from = PublicFrom.SUBMISSION
        policy.save()
    elif policy_row == "not saved yet":
        EditorialPolicy.objects.all().delete()
    policy = EditorialPolicy.current()  # a site whose policy is not saved yet follows the default
    listed = PublicArticle.objects.listed()
    windows = [slice(0, 21), slice(0, 1), slice(1, 3)]
    shown = []
    for window in windows:
        with django_assert_max_num_queries(1):
            newest = listed.public(policy, "approved").newest_approved()[window]
            shown.append([_entry(a) for a in newest])
    with django_assert_max_num_queries(1):  # none at all when the policy hides work in review
        shown_in_review = [
            _entry(a) for a in listed.public(policy, "in_review").latest_submitted()[:10]
        ]
    newest = list(
        PublicArticle.objects.public(policy)
        .filter(published_revision__isnull=False)
        .select_related("published_revision")
        .order_by("-approved_at", "-pk")
    )
    in_review = list(
        PublicArticle.objects.public(policy)
        .filter(published_revision__isnull=True)
        .order_by("-submitted_at", "-pk")
    )
    # The default shows work once review has started: not the bare submission.
    assert len(newest) == 2
    assert len(in_review) == {"hides it": 0, "not saved yet": 1}.get(policy_row, 2)
    assert shown == [[_expected_entry(a) for a in newest[window]] for window in windows]
    assert shown_in_review == [_expected_entry(a) for a in in_review[:10]]


def test_search_finds_public_text_ranks_titles_and_highlights(client, library):
    response = client.get(reverse("reader:search"), {"q": "statins"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Can statins cause muscle pain?" in text
    assert "Secret statin draft" not in text and "Rejected statin text" not in text
    # A title match and a body word: the snippet marks the word it holds.
    both = client.get(reverse("reader:search"), {"q": "statins myalgia"}).content.decode()
    assert "Can statins cause muscle pain?" in both and "<mark>Myalgia</mark>" in both


def test_search_matches_the_body_and_filters_by_stage(client, library):
    text = client.get(reverse("reader:search"), {"q": "myalgia", "stage": "any"}).content.decode()
    assert "Can statins cause muscle pain?" in text and "Does statin myalgia go away?" in text
    assert "Under Review, not yet approved" in text  # the in-review hit is marked
    approved_only = client.get(
        reverse("reader:search"), {"q": "myalgia", "stage": "approved"}
    ).content.decode()
    assert "Does statin myalgia go away?" not in approved_only
    assert "Can statins cause muscle pain?" in approved_only


def test_search_finds_approved_articles_unless_asked_for_more(client, library):
    text = client.get(reverse("reader:search"), {"q": "myalgia"}).content.decode()
    assert "Can statins cause muscle pain?" in text
    assert "Does statin myalgia go away?" not in text
    assert '<label class="form-label" for="search-stage">Show</label>' in text
    assert '<option value="approved" selected>Approved articles only</option>' in text
    in_review = client.get(
        reverse("reader:search"), {"q": "myalgia", "stage": "in_review"}
    ).content.decode()
    assert "Does statin myalgia go away?" in in_review
    assert "Can statins cause muscle pain?" not in in_review


def test_search_offers_no_stage_choice_when_nothing_in_review_is_public(client, library, policy):
    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    text = client.get(reverse("reader:search"), {"q": "myalgia", "stage": "any"}).content.decode()
    assert 'name="stage"' not in text
    assert "Can statins cause muscle pain?" in text and "Does statin myalgia go away?" not in text


def test_search_highlights_safely(client, make_article, advance, policy):
    advance(
        make_article(title="Hostile?", body="Dangerous <script>alert('x')</script> dose [1]."),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    text = client.get(reverse("reader:search"), {"q": "dangerous dose"}).content.decode()
    assert "<script>alert" not in text
    assert "<mark>dose</mark>" in text


def test_empty_or_odd_queries_do_not_fail(client, library):
    for q in ["", "   ", "!!!", "a" * 1000, "'; DROP TABLE x; --"]:
        assert client.get(reverse("reader:search"), {"q": q}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking uses PostgreSQL")
def test_postgres_ranks_title_matches_above_body_matches(client, make_article, advance, policy):
    for title, body in [
        ("Does coffee raise blood pressure?", "Caffeine has short effects [1]."),
        ("Is tea healthy?", "Tea has less caffeine than coffee, and coffee drinkers [1]."),
    ]:
        advance(
            make_article(title=title, body=body), "submit", "start_review", "send_to_board", "sign"
        )
    text = client.get(reverse("reader:search"), {"q": "coffee"}).content.decode()
    assert text.index("Does coffee raise blood pressure?") < text.index("Is tea healthy?")


def test_search_pages_through_many_results(
    client, make_article, advance, policy, django_assert_max_num_queries
):
    policy.public_from = PublicFrom.SUBMISSION
    policy.save()
    for number in range(23):
        advance(make_article(title=f"Does zinc shorten colds, case {number}?"), "submit")
    search = reverse("reader:search")
    with django_assert_max_num_queries(2):  # the policy, then the search
        first = client.get(search, {"q": "zinc", "stage": "in_review"}).content.decode()
    second = client.get(search, {"q": "zinc", "stage": "in_review", "page": 2}).content.decode()

    def shown(html):
        return set(re.findall(r"colds, case (\d+)\?", html))

    assert len(shown(first)) == 20 and len(shown(second)) == 3
    assert not shown(first) & shown(second)
    assert 'page=2">Next</a>' in first and "Previous" not in first
    assert 'page=1">Previous</a>' in second and "Next</a>" not in second


def test_an_unknown_stage_searches_approved_articles(client, library):
    text = client.get(
        reverse("reader:search"), {"q": "myalgia", "stage": "<b>odd</b>"}
    ).content.decode()
    assert "Can statins cause muscle pain?" in text and "Does statin myalgia go away?" not in text
    assert "<b>odd</b>" not in text and "odd" not in text


def _orm_search(query: str, stage: str, policy) -> list:
    """The plain ORM query the PostgreSQL search stands for."""
    words = SearchQuery(query, search_type="websearch", config="english")
    found = PublicArticle.objects.public(policy, stage).filter(search_document__vector=words)
    headline = SearchHeadline(
        Substr("search_document__text", 1, search.HEADLINE_SPAN),
        words,
        config="english",
        start_sel="[",
        stop_sel="]",
        max_words=35,
        min_words=15,
    )
    return list(
        found.annotate(rank=SearchRank(F("search_document__rank_vector"), words), headline=headline)
        .select_related("published_revision")
        .order_by("-rank", "-approved_at", "-pk")
    )


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the compiled search is PostgreSQL's"
)


@postgres_only
@pytest.mark.parametrize("stage", ["any", "approved", "in_review"])
@pytest.mark.parametrize(
    "query", ["statins", "myalgia", "statin muscle", '"muscle pain"', "statin -liver", "zzz", "!!"]
)
def test_compiled_search_matches_the_orm_query(
    library, make_article, advance, policy, query, stage, django_assert_num_queries
):
    """On PostgreSQL the search is one query. It must find, order, page and
    highlight exactly what the plain ORM query finds."""
    advance(
        make_article(
            title="Do statins harm the liver?",
            summary="Rarely; statin myalgia is more common.",
            # Words far into the body are found but not highlighted.
            body="Liver enzymes rise in a few people taking statins [1]. "
            + "Most people notice nothing at all. " * 25
            + "Muscle pain is rarer [1].",
        ),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    expected = _orm_search(query, search.SEARCH_STAGES[stage], policy)
    for window in [slice(0, 21), slice(0, 1), slice(1, 3)]:
        with django_assert_num_queries(1):
            hits = search.Results(query, stage, policy)[window]
        assert [entry["slug"] for entry, _ in hits] == [a.slug for a in expected[window]]
        for (entry, snippet), orm in zip(hits, expected[window], strict=True):
            assert _entry(entry) == _expected_entry(orm)
            shown = snippets.mark_cuts(orm.headline, "[]")  # "…" where it cuts a sentence
            assert snippet.replace("<mark>", "[").replace("</mark>", "]") == escape(shown)


@postgres_only
def test_compiled_search_follows_the_policy_on_work_in_review(library, policy):
    found = {entry["slug"] for entry, _ in search.Results("statin", "any", policy)[0:21]}
    assert found == {library["approved"].slug, library["in_review"].slug}
    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    assert [entry["slug"] for entry, _ in search.Results("statin", "any", policy)[0:21]] == [
        library["approved"].slug
    ]
    assert _orm_search("statin", "", policy) == [library["approved"]]


def test_search_query_count_is_bounded(client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the policy, then the search
        client.get(reverse("reader:search"), {"q": "statin"})
    with django_assert_max_num_queries(3):  # the policy, then each list
        client.get(reverse("reader:home"))


def test_sitemap_lists_approved_pages_only(client, library):
    """A page in review is noindex, so the sitemap does not point at it."""
    text = client.get("/sitemap.xml").content.decode()
    assert reverse("reader:public", args=[library["approved"].slug]) in text
    assert reverse("reader:public", args=[library["in_review"].slug]) not in text
    assert library["draft"].slug not in text and library["rejected"].slug not in text
    assert "/editorial-policy/" in text and "/board/" in text
    assert "<lastmod>" in text


def test_feed_lists_newly_approved_articles_only(client, library):
    response = client.get(reverse("reader:feed"))
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
    data = _json_ld(client.get(reverse("reader:public", args=[article.slug])).content.decode())
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
    data = _json_ld(client.get(reverse("reader:public", args=[article.slug])).content.decode())
    assert data["datePublished"] == first.isoformat()
    assert data["dateModified"] > first.isoformat()


def test_structured_data_follows_the_chosen_level_and_cannot_be_broken_out_of(
    client, make_article, advance, policy
):
    article = advance(
        make_article(title="Break </script><script>alert(1)</script> out?"),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    html = client.get(reverse("reader:level", args=[article.slug, "professional"])).content.decode()
    assert "</script><script>alert(1)" not in html
    data = _json_ld(html)
    assert data["name"] == "Break </script><script>alert(1)</script> out?"
    assert data["medicalAudience"]["audienceType"] == "Clinician"


def test_unapproved_pages_claim_no_review(client, library):
    article = library["in_review"]
    data = _json_ld(client.get(reverse("reader:public", args=[article.slug])).content.decode())
    assert "lastReviewed" not in data and "reviewedBy" not in data


def test_sitemap_and_feed_cost_the_same_however_many_articles(
    client, library, make_article, advance, django_assert_max_num_queries
):
    for number in range(5):
        advance(
            make_article(title=f"Is remedy {number} any good?"),
            "submit", "start_review", "send_to_board", "sign",
        )  # fmt: skip
    with django_assert_max_num_queries(3):  # the policy, the count, the page of articles
        sitemap = client.get("/sitemap.xml").content.decode()
    with django_assert_max_num_queries(2):  # the approvals, the notices
        feed = client.get(reverse("reader:feed")).content.decode()
    assert sitemap.count("<url>") == 5 + 1 + 3 and feed.count("<entry>") == 5 + 1


def test_work_withdrawn_from_review_leaves_search(client, library, advance):
    in_review = library["in_review"]

    def found():
        return client.get(
            reverse("reader:search"), {"q": "myalgia", "stage": "any"}
        ).content.decode()

    assert "Does statin myalgia go away?" in found()
    advance(in_review, "withdraw")
    assert "Does statin myalgia go away?" not in found()
    assert not SearchDocument.objects.filter(article=in_review).exists()


def test_rebuilding_the_index_finds_work_in_review_once_the_policy_shows_it(
    client, make_article, advance, policy
):
    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    advance(make_article(title="Does garlic lower blood pressure?"), "submit")
    policy.public_from = PublicFrom.SUBMISSION
    policy.save()

    def found():
        search = reverse("reader:search")
        return client.get(search, {"q": "garlic", "stage": "any"}).content.decode()

    assert "Does garlic lower blood pressure?" not in found()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt for 1 articles." in out.getvalue()
    assert "Does garlic lower blood pressure?" in found()


def _snippet_of(page: str, title: str) -> str:
    """The snippet paragraph under a list entry's title."""
    after = page[page.index(f">{title}</a>") :]
    return re.search(r'<p class="mb-0 small[^"]*">(.*?)</p>', after, re.S).group(1)


def test_search_snippets_read_as_clean_sentences(client, make_article, advance, policy):
    long_body = " ".join(["Thyroid cells take up iodine from the blood [1]."] * 3) + (
        " How much they take depends on the hormone TSH [1]. **Too much** iodine can slow"
        " them down.\n\n## Who is at risk\n\n- People with thyroid disease [1].\n- Newborns"
    )
    advance(
        make_article(title="Does iodine affect the thyroid?", body=long_body),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    page = client.get(reverse("reader:search"), {"q": "hormone"}).content.decode()
    snippet = _snippet_of(page, "Does iodine affect the thyroid?")
    assert "<mark>hormone</mark> TSH. Too much iodine" in snippet
    assert "[1]" not in snippet and " ." not in snippet and "**" not in snippet
    assert "Does iodine affect the thyroid?" not in snippet  # the title is not repeated
    # Started at a sentence, ended at a sentence or a word: never inside one.
    words = snippet.replace("<mark>", "").replace("</mark>", "").split()
    text = " ".join(words)
    assert text.startswith(("… ", "Thyroid"))
    assert text.endswith((".", " …", "Newborns"))  # the end of the body, or a cut
    assert words[-2 if words[-1] == "…" else -1].rstrip(".,") in long_body


def test_list_entries_show_a_summary_without_markup_or_citations(
    client, make_article, advance, policy
):
    advance(
        make_article(
            title="Is the summary clean?",
            summary="**Yes**, in most cases [1]. It helps to know *why* [2].",
        ),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip
    page = client.get(reverse("reader:home")).content.decode()
    assert _snippet_of(page, "Is the summary clean?") == "Yes, in most cases. It helps to know why."


@pytest.mark.parametrize("limit", [30, 45, 60, 90])
def test_a_shortened_text_ends_at_a_sentence_or_a_whole_word(limit):
    from reader.snippets import shorten

    text = "Statins lower cholesterol. Some people feel muscle aches, usually mild ones."
    short = shorten(text, limit)
    assert len(short) <= limit + 2
    kept = short.removesuffix(" …")
    assert text.startswith(kept)
    assert short.endswith(".") or text[len(kept)] in " ,"
