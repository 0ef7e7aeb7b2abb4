"""The citation integrity check and the reference paste parser."""

import pytest

from articles.models import Reference
from articles.text.citations import citation_problems, parse_reference_block


def refs(*specs):
    return [Reference(position=n, **spec) for n, spec in enumerate(specs, start=1)]


GOOD = {
    "title": "A good study",
    "pmid": "123",
    "doi": "10.1000/xyz",
    "url": "https://x.org/a",
    "study_type": "cohort",
}


def test_a_clean_article_has_no_problems():
    assert citation_problems("A [1]. B [2].", refs(GOOD, GOOD)) == []


def test_cited_number_without_reference_is_a_problem():
    problems = citation_problems("A [1]. B [3].", refs(GOOD))
    assert problems == ["Citation [3] has no matching reference (the list has 1 reference)."]


def test_reference_never_cited_is_flagged():
    problems = citation_problems(
        "A [1].", refs(GOOD, {"title": "Forgotten paper", "study_type": "other"})
    )
    assert problems == ["Reference 2 (“Forgotten paper”) is never cited in the body."]


def test_range_citations_count_every_number_in_the_range():
    assert citation_problems("A [1-3].", refs(GOOD, GOOD, GOOD)) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pmid", "PMID123", "a PMID is digits only"),
        ("doi", "doi.org/10.1/x", "a DOI looks like 10.1234/abc"),
        ("doi", "10.12/too-short-prefix", "a DOI looks like 10.1234/abc"),
        ("url", "ftp://files.example.org/x", "the URL must start with http:// or https://"),
        ("url", "javascript:alert(1)", "the URL must start with http:// or https://"),
        ("url", "https://", "the URL must start with http:// or https://"),
    ],
)
def test_identifier_shapes_are_checked(field, value, message):
    problems = citation_problems("A [1].", refs({**GOOD, field: value}))
    assert len(problems) == 1
    assert message in problems[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("pmid", "21507715"), ("doi", "10.1016/S1470-2045(11)70081-X"), ("url", "http://a.org")],
)
def test_valid_identifiers_pass(field, value):
    assert citation_problems("A [1].", refs({**GOOD, field: value})) == []


def test_pasted_vancouver_style_lines_are_split_into_fields():
    (entry,) = parse_reference_block(
        "1. Moreau P, Pylypenko H. Subcutaneous versus intravenous bortezomib. "
        "Lancet Oncol. 2011;12(5):431-40. doi:10.1016/S1470-2045(11)70081-X. PMID: 21507715"
    )
    assert entry.understood
    assert entry.fields["authors"] == "Moreau P, Pylypenko H"
    assert entry.fields["title"] == "Subcutaneous versus intravenous bortezomib"
    assert entry.fields["journal"] == "Lancet Oncol"
    assert entry.fields["year"] == 2011
    assert entry.fields["pmid"] == "21507715"
    assert entry.fields["doi"] == "10.1016/S1470-2045(11)70081-X"


def test_unparseable_line_is_kept_whole_as_a_free_text_title():
    entries = parse_reference_block("\n[2] A guideline web page https://example.org/guide\n\n")
    assert len(entries) == 1
    (entry,) = entries
    assert not entry.understood
    assert entry.line_number == 2
    assert entry.fields["title"] == "A guideline web page"
    assert entry.fields["url"] == "https://example.org/guide"


def test_doi_urls_are_recognised():
    (entry,) = parse_reference_block(
        "Richardson PG. Neuropathy. J Clin Oncol. 2006. https://doi.org/10.1200/JCO.2005.04.7779"
    )
    assert entry.fields["doi"] == "10.1200/JCO.2005.04.7779"
    assert entry.fields["url"] == ""
