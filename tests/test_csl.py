"""Reference lists written out by a citation style (CSL) the editorial
policy chooses: the demo's references in Vancouver and AMA, escaping of the
reference's own text, numbering, links, and a style change reaching readers
on their next request without extra queries."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import CitationStyle, EditorialPolicy, PolicyVersion, Reference
from articles.templatetags.references import formatted_references
from articles.text import csl
from demo.content import BORTEZOMIB

DEMO = BORTEZOMIB["references"]


def _ref(**fields) -> Reference:
    base = {"authors": "", "title": "", "journal": "", "year": None, "pmid": "", "doi": ""}
    return Reference(position=1, **{**base, "url": "", **fields})


def test_demo_reference_in_vancouver():
    assert csl.formatted_reference(_ref(**DEMO[0]), "vancouver") == (
        "Moreau P, Pylypenko H, Grosicki S, et al. Subcutaneous versus intravenous "
        "administration of bortezomib in patients with relapsed multiple myeloma: a "
        "randomised, phase 3, non-inferiority study. Lancet Oncol. 2011. "
        'doi:<a href="https://doi.org/10.1016/S1470-2045(11)70081-X" '
        'aria-label="DOI 10.1016/S1470-2045(11)70081-X" rel="noopener">'
        "10.1016/S1470-2045(11)70081-X</a> PubMed PMID: "
        '<a href="https://pubmed.ncbi.nlm.nih.gov/21507715/" aria-label="PMID 21507715" '
        'rel="noopener">21507715</a>.'
    )


def test_demo_reference_in_ama():
    # AMA names the journal in italics and has no place for a PMID: ours
    # follows the entry, so readers still get it.
    assert csl.formatted_reference(_ref(**DEMO[1]), "ama") == (
        "Richardson PG, Briemberg H, Jagannath S, et al. Frequency, characteristics, and "
        "reversibility of peripheral neuropathy during treatment of advanced multiple "
        "myeloma with bortezomib. <i>J Clin Oncol</i>. 2006. "
        'doi:<a href="https://doi.org/10.1200/JCO.2005.04.7779" '
        'aria-label="DOI 10.1200/JCO.2005.04.7779" rel="noopener">10.1200/JCO.2005.04.7779</a> '
        'PMID <a href="https://pubmed.ncbi.nlm.nih.gov/16754936/" aria-label="PMID 16754936" '
        'rel="noopener">16754936</a>'
    )


@pytest.mark.parametrize("style", CitationStyle.values)
def test_every_demo_reference_keeps_its_words_and_links(style):
    for fields in DEMO:
        entry = csl.formatted_reference(_ref(**fields), style)
        assert fields["title"] in entry
        assert f'href="https://pubmed.ncbi.nlm.nih.gov/{fields["pmid"]}/"' in entry
        assert "Published online" not in entry  # we record no volume, so claim none


@pytest.mark.parametrize("style", CitationStyle.values)
def test_the_references_own_text_is_escaped(style):
    entry = csl.formatted_reference(
        _ref(
            authors='<img src=x onerror="alert(1)">, Smith J',
            title='<script>alert("t")</script> & <span class="nocase">x</span>',
            journal="J <i>Evil</i>",
            year=2020,
            pmid="12ab",
            doi="10.1000/<b>",
            url="javascript:alert(1)",
        ),
        style,
    )
    assert "<script" not in entry and "<img" not in entry and "<span" not in entry
    assert '&lt;script&gt;alert("t")&lt;/script&gt; &amp; &lt;span' in entry
    assert "&lt;img src=x" in entry
    assert "J &lt;i&gt;Evil&lt;/i&gt;" in entry
    # Unsafe identifiers are shown, not linked.
    assert "javascript:alert(1)" in entry and 'href="javascript' not in entry
    assert "12ab" in entry and "pubmed.ncbi" not in entry
    assert 'href="https://doi.org/10.1000/%3Cb%3E"' in entry  # quoted into a safe address


@pytest.mark.parametrize("style", CitationStyle.values)
def test_private_use_characters_cannot_smuggle_markup(style):
    entry = csl.formatted_reference(_ref(title="a\ue000b\ue001c\ue020", year=2020), style)
    assert "<i>" not in entry and "<a" not in entry
    assert "abc" in entry


@pytest.mark.parametrize("style", CitationStyle.values)
def test_a_title_ending_in_a_question_mark_gets_no_extra_stop(style):
    entry = csl.formatted_reference(
        _ref(authors="Doe J", title="Does metformin lower B12?", journal="BMJ", year=2010), style
    )
    assert "B12?." not in entry and "B12? " in entry


@pytest.mark.parametrize("style", CitationStyle.values)
def test_an_entry_without_authors_shows_its_title_once(style):
    entry = csl.formatted_reference(_ref(title="Guidance for prescribers", year=2021), style)
    assert entry.count("Guidance for prescribers") == 1


def test_group_authors_and_et_al_are_kept_as_written():
    names = csl.csl_names("World Health Organization, de Jager JA, Smith J-P, et al.")
    assert names == [
        {"literal": "World Health Organization"},
        {"family": "de Jager", "given": "J. A."},
        {"family": "Smith", "given": "J. P."},
        {"literal": "et al."},
    ]


def test_entries_are_cached_by_content_and_style():
    refs = [_ref(**fields) for fields in DEMO]
    first = formatted_references(refs, "vancouver")
    assert all(cache.get(csl.entry_key(ref, "vancouver")) for ref in refs)
    assert formatted_references(refs, "vancouver") == first
    changed = _ref(**{**DEMO[0], "year": 2012})
    assert csl.entry_key(changed, "vancouver") != csl.entry_key(refs[0], "vancouver")
    assert csl.entry_key(refs[0], "ama") != csl.entry_key(refs[0], "vancouver")


# ---------------------------------------------------------------------------
# Pages


@pytest.fixture
def demo_article(draft, publish, policy):
    """Published, citing the demo article's five references."""
    return publish(
        draft,
        primary_audience="professional",
        summary="Yes, often [1].",
        body="## Evidence\n\nRoute [1], frequency [2], review [3], schedule [4], advice [5].",
        references=DEMO,
    )


@pytest.fixture
def page_caches_on(settings):
    settings.PAGE_CACHE = True
    settings.RENDER_CACHE = True


def _reader_page(client, article) -> str:
    response = client.get(reverse("reader:public", args=[article.slug]))
    assert response.status_code == 200
    return response.content.decode()


VANCOUVER_MARK = "Lancet Oncol. 2011. doi:"
AMA_MARK = "<i>Lancet Oncol</i>. 2011. doi:"


def test_reader_page_lists_references_in_vancouver_by_default(client, demo_article):
    text = _reader_page(client, demo_article)
    assert VANCOUVER_MARK in text and AMA_MARK not in text
    # The list numbers the entries and the back-links lead to the text.
    assert '<li id="ref-1">Moreau P, Pylypenko H' in text
    assert '<li id="ref-5">Loprinzi CL' in text
    assert 'href="#cite-3"' in text


def test_a_policy_change_reaches_readers_on_their_next_request(
    client, demo_article, editor, page_caches_on, django_capture_on_commit_callbacks
):
    assert VANCOUVER_MARK in _reader_page(client, demo_article)
    assert VANCOUVER_MARK in _reader_page(client, demo_article)  # now from the caches
    client.force_login(editor)
    form = client.get(reverse("office:policy")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(citation_style="ama", note="Readers asked for AMA.")
    with django_capture_on_commit_callbacks(execute=True):  # the page cache's version bump
        response = client.post(reverse("office:policy"), data)
    assert response.status_code == 302
    client.logout()
    text = _reader_page(client, demo_article)
    assert AMA_MARK in text and VANCOUVER_MARK not in text
    latest = PolicyVersion.objects.order_by("-number").first()
    assert latest.settings_snapshot["citation_style"] == "ama"
    assert latest.changes == [
        {
            "field": "citation_style",
            "label": "reference style",
            "old": "Vancouver (ICMJE, NLM)",
            "new": "AMA (American Medical Association)",
        }
    ]
    policy_page = client.get(reverse("reader:policy")).content.decode()
    assert "Reference lists are written in the AMA (American Medical Association) style." in (
        policy_page
    )


@pytest.mark.parametrize("style", CitationStyle.values)
def test_reader_page_query_count_is_the_same_in_either_style(
    client, demo_article, editor, style, django_assert_max_num_queries
):
    EditorialPolicy.objects.filter(pk=EditorialPolicy.THE_ROW).update(citation_style=style)
    cache.clear()
    with django_assert_max_num_queries(5):
        _reader_page(client, demo_article)
    with django_assert_max_num_queries(5):
        _reader_page(client, demo_article)


def test_the_desk_revision_page_follows_the_policy_style(client, author, demo_article):
    EditorialPolicy.objects.filter(pk=EditorialPolicy.THE_ROW).update(citation_style="ama")
    client.force_login(author)
    number = demo_article.published_revision.number
    page = client.get(reverse("articles:revision", args=[demo_article.pk, number]))
    assert page.status_code == 200
    assert AMA_MARK in page.content.decode()


def test_only_editors_change_the_style(client, author):
    client.force_login(author)
    response = client.post(reverse("office:policy"), {"citation_style": "ama", "note": "x"})
    assert response.status_code == 403
    assert EditorialPolicy.current().citation_style == "vancouver"


def test_an_unknown_style_is_refused_by_the_form(client, editor):
    client.force_login(editor)
    form = client.get(reverse("office:policy")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(citation_style="harvard", note="Try Harvard.")
    response = client.post(reverse("office:policy"), data)
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert EditorialPolicy.current().citation_style == "vancouver"
