"""The PubMed/Crossref lookup client (articles/sources/), on recorded answers
(tests/cassettes/). No test reaches the network: see tests/conftest.py."""

import datetime
from types import SimpleNamespace

import httpx
import pytest
import time_machine
from django.utils import timezone

from articles.models import SourceResponse
from articles.sources import (
    LookupsSwitchedOff,
    SourceNotFound,
    SourceUnavailable,
    lookup,
    lookup_doi,
    lookup_pmid,
    mismatches,
)
from articles.sources.crossref import record_from_work
from articles.sources.http import retry_after_seconds
from articles.sources.matching import titles_match
from articles.sources.pubmed import record_from_entry
from articles.sources.records import SourceRecord

from .sources import effect, load, replay

pytestmark = pytest.mark.django_db


def entered(**fields):
    defaults = {"authors": "", "title": "", "year": None, "pmid": "", "doi": ""}
    return SimpleNamespace(**{**defaults, **fields})


def test_a_matching_pmid_gives_its_record(lookups):
    routes = replay(lookups, "pubmed_match")

    record = lookup_pmid("30000001")

    assert record.source == "pubmed"
    assert record.authors == ("Müller A", "Okafor G", "Lindqvist E")
    assert record.title == "Drug X and symptom Y in adults: a randomised controlled trial."
    assert record.journal == "BMJ"
    assert record.year == 2019
    assert "Randomized Controlled Trial" in record.publication_types
    assert not record.retracted
    assert record.as_stored() == {
        "source": "pubmed",
        "authors": "Müller A, Okafor G, Lindqvist E",
        "title": "Drug X and symptom Y in adults: a randomised controlled trial.",
        "journal": "BMJ",
        "year": 2019,
    }
    reference = entered(
        authors="Muller A, Okafor G, Lindqvist E",
        title="Drug X & symptom Y in adults - a randomized controlled trial",
        year=2019,
    )
    assert mismatches(reference, record) == []
    request = routes[next(iter(routes))].calls.last.request
    assert request.url.params["tool"] == "medreview"
    assert request.url.params["email"] == "tests@example.org"
    assert request.headers["User-Agent"].startswith("medreview/")
    assert "mailto:tests@example.org" in request.headers["User-Agent"]


def test_the_ncbi_key_is_sent_but_not_stored(lookups, settings):
    settings.NCBI_API_KEY = "secret-key"
    routes = replay(lookups, "pubmed_match")

    lookup_pmid("30000001")

    assert routes[next(iter(routes))].calls.last.request.url.params["api_key"] == "secret-key"
    stored = SourceResponse.objects.get()
    assert "secret-key" not in stored.url and "tests@example.org" not in stored.url


def test_a_pmid_whose_record_differs_is_listed_in_sentences(lookups):
    replay(lookups, "pubmed_title_differs")
    reference = entered(
        authors="Okafor G, Lindqvist E",
        title="Drug X and symptom Y in adults: a randomised controlled trial",
        year=2019,
        pmid="30000002",
    )

    problems = mismatches(reference, lookup(reference), label="Reference 3")

    assert problems == [
        "Reference 3: PubMed gives the title “Sleep quality among night-shift nurses: "
        "a cross-sectional survey.”; you entered “Drug X and symptom Y in adults: "
        "a randomised controlled trial”.",
        "Reference 3: PubMed gives the year 2017; you entered 2019.",
        "Reference 3: PubMed gives the first author as Tanaka M; you entered “Okafor G, "
        "Lindqvist E”.",
    ]


def test_an_unknown_pmid_is_not_found(lookups):
    replay(lookups, "pubmed_unknown")

    with pytest.raises(SourceNotFound, match="PubMed has no record with PMID 99999999"):
        lookup_pmid("99999999")


def test_a_clean_doi_gives_its_record(lookups):
    replay(lookups, "crossref_clean")

    record = lookup_doi("10.1016/j.example.2021.02.004")

    assert record.source == "crossref"
    assert record.authors == ("Costa S", "Iyer R", "Tanaka M")
    assert record.title.startswith("Ibuprofen and blood pressure control")
    assert record.journal == "Example Journal of Clinical Pharmacology"
    assert record.year == 2021
    assert record.updates == ()
    assert not record.retracted


def test_lookup_prefers_the_pmid_and_falls_back_to_the_doi(lookups):
    replay(lookups, "crossref_clean", "pubmed_match")

    assert lookup(entered(pmid="30000001", doi="10.1016/j.example.2021.02.004")).source == "pubmed"
    assert lookup(entered(doi="10.1016/j.example.2021.02.004")).source == "crossref"
    with pytest.raises(SourceNotFound):
        lookup(entered())


def test_an_unknown_doi_is_not_found(lookups):
    replay(lookups, "crossref_not_found")

    with pytest.raises(SourceNotFound, match=r"Crossref has no record with DOI 10\.9999"):
        lookup_doi("10.9999/does.not.exist")


def test_a_timeout_is_retried_with_growing_pauses_then_unavailable(lookups, pauses):
    routes = replay(lookups, "crossref_timeout")

    with pytest.raises(SourceUnavailable):
        lookup_doi("10.1016/j.example.2021.02.004")

    assert routes[next(iter(routes))].call_count == 3
    assert pauses == [1.0, 2.0]
    assert not SourceResponse.objects.exists()


def test_a_429_waits_as_long_as_retry_after_asks_then_succeeds(lookups, pauses):
    routes = replay(lookups, "pubmed_429_then_ok")

    assert lookup_pmid("30000001").year == 2019

    assert routes[next(iter(routes))].call_count == 2
    assert pauses == [3.0]


def test_retry_after_is_capped_and_read_as_a_date_too(lookups, pauses, respx_mock):
    respx_mock.get("https://api.crossref.org/works/10.1/x").side_effect = [
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(503),
        httpx.Response(503),
    ]

    with pytest.raises(SourceUnavailable, match="503"):
        lookup_doi("10.1/x")

    assert pauses == [30.0, 2.0]
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_network_down_is_unavailable(lookups):
    replay(lookups, "pubmed_unreachable")

    with pytest.raises(SourceUnavailable):
        lookup_pmid("30000001")


def test_answers_are_reused_while_fresh_and_asked_again_after(lookups):
    route = lookups.get(url__startswith="https://eutils.ncbi.nlm.nih.gov/")
    route.side_effect = lambda request: effect(load("pubmed_match")[0])

    lookup_pmid("30000001")
    lookup_pmid("30000001")
    assert route.call_count == 1

    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        lookup_pmid("30000001")
    assert route.call_count == 2

    lookup_pmid("30000001", fresh_within=datetime.timedelta(0))
    assert route.call_count == 3
    assert SourceResponse.objects.count() == 1


def test_a_not_found_answer_is_asked_again_after_a_day(lookups):
    route = lookups.get(url__startswith="https://eutils.ncbi.nlm.nih.gov/")
    route.side_effect = lambda request: effect(load("pubmed_unknown")[0])

    for _ in range(2):
        with pytest.raises(SourceNotFound):
            lookup_pmid("99999999")
    assert route.call_count == 1
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    with time_machine.travel(later), pytest.raises(SourceNotFound):
        lookup_pmid("99999999")
    assert route.call_count == 2


def test_lookups_switched_off_ask_nobody(settings):
    settings.REFERENCE_LOOKUPS = False

    with pytest.raises(LookupsSwitchedOff):
        lookup(entered(pmid="30000001"))


def test_an_unrecorded_request_fails_the_test_loudly(lookups):
    with pytest.raises(AssertionError):
        lookup_pmid("12345")


def test_pubmed_updates_come_from_comments_and_corrections():
    record = record_from_entry(
        "1",
        {
            "title": "A paper",
            "pubdate": "2008",
            "authors": [{"name": "Wakefield AJ", "authtype": "Author"}],
            "pubtype": ["Journal Article", "Retracted Publication"],
            "references": [
                {
                    "refsource": "Lancet. 2010 Feb 6;375(9713):445",
                    "reftype": "Retraction in",
                    "pmid": "20137807",
                    "note": "",
                },
                {
                    "refsource": "Lancet. 2004 Mar 6;363(9411):750",
                    "reftype": "Erratum in",
                    "pmid": "15016483",
                    "note": "",
                },
                {"refsource": "Lancet. 1998;351:611", "reftype": "Comment in", "pmid": "1"},
            ],
        },
    )
    assert record.retracted
    assert [(u.kind, u.date, u.notice) for u in record.updates] == [
        ("retraction", datetime.date(2010, 2, 6), "20137807"),
        ("correction", datetime.date(2004, 3, 6), "15016483"),
    ]


def test_crossref_updated_by_gives_updates_with_their_source():
    record = record_from_work(
        "10.1/x",
        {
            "title": ["A paper"],
            "author": [{"given": "Jean-Paul", "family": "Dupont"}, {"name": "The Trial Group"}],
            "published-online": {"date-parts": [[2012, 5]]},
            "updated-by": [
                {
                    "updated": {"date-parts": [[2020, 6, 4]]},
                    "DOI": "10.1/notice",
                    "type": "retraction",
                    "source": "retraction-watch",
                    "label": "Retraction",
                },
                {
                    "updated": {"date-parts": [[2019]]},
                    "DOI": "10.1/erratum",
                    "type": "erratum",
                    "source": "publisher",
                    "label": "Erratum",
                },
            ],
        },
    )
    assert record.authors == ("Dupont JP", "The Trial Group")
    assert record.year == 2012
    assert record.retracted
    assert [(u.kind, u.date, u.source) for u in record.updates] == [
        ("retraction", datetime.date(2020, 6, 4), "retraction-watch"),
        ("correction", datetime.date(2019, 1, 1), "publisher"),
    ]


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("effect of drug x on symptom y", "Effect of drug X on symptom Y."),
        ("Effets du médicament X", "[Effets du medicament X]."),
        ("Aspirin & bleeding risk in older adults", "Aspirin and bleeding risk in older adults"),
        (
            "Aspirin and bleeding risk in older adults",
            "Aspirin and bleeding risk in older adults: a systematic review and meta-analysis",
        ),
        ("Randomised trial of drug X in children", "Randomized trial of drug X in children"),
    ],
)
def test_titles_match_tolerantly(typed, recorded):
    assert titles_match(typed, recorded)


def test_different_titles_do_not_match():
    assert not titles_match("Aspirin and bleeding", "Statins and muscle pain in older adults")


@pytest.mark.parametrize(
    "typed", ["Smith J, Jones K", "J. Smith, K. Jones", "Smith, John", "SMITH J et al.", "Smíth J"]
)
def test_first_authors_match_tolerantly(typed):
    record = SourceRecord("pubmed", "1", ("Smith J", "Jones K"), "T", "J", 2020)
    assert mismatches(entered(authors=typed, title="T", year=2020), record) == []


def test_another_first_author_is_a_mismatch():
    record = SourceRecord("crossref", "10.1/x", ("Smith J",), "T", "J", 2020)
    assert mismatches(entered(authors="Jones K, Smith J", title="T", year=2020), record) == [
        "This reference: Crossref gives the first author as Smith J; "
        "you entered “Jones K, Smith J”."
    ]
