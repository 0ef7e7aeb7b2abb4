"""Markdown bodies become safe HTML with working citation links."""

import re

import pytest
from django.urls import reverse

from articles.text.rendering import GlossaryEntry, expand_citation, render_body, render_text


def test_single_list_and_range_citations_link_to_their_references():
    html = render_body("One [1]. Two [2, 3]. Range [1-3].", reference_count=3).html
    assert html.count('href="#ref-1"') == 2
    assert html.count('href="#ref-2"') == 2
    assert html.count('href="#ref-3"') == 2
    assert html.count('<sup class="citation">') == 3


def test_en_dash_ranges_and_reversed_ranges_expand():
    assert expand_citation("1\u20133") == [1, 2, 3]  # en dash
    assert expand_citation("4-2") == [2, 3, 4]
    assert expand_citation("1, 3-4") == [1, 3, 4]


def test_first_citation_of_each_reference_is_the_back_link_target():
    html = render_body("A [2]. B [2]. C [1].", reference_count=2).html
    assert html.count('id="cite-2"') == 1
    assert html.count('id="cite-1"') == 1
    assert html.index('id="cite-2"') < html.index('id="cite-1"')


def test_citation_to_a_missing_reference_is_marked_not_linked():
    html = render_body("See [7].", reference_count=2).html
    assert "#ref-7" not in html
    assert "citation-missing" in html and "7?" in html


def test_links_and_code_are_not_citations():
    rendered = render_body("[3](https://example.org) and `[2]`\n\n    [1] in code", 3)
    assert rendered.cited == ()
    assert '<a href="https://example.org"' in rendered.html


def test_body_headings_start_below_the_page_title():
    html = render_body("# Causes\n\n## Risk\n\n### Detail", 0).html
    assert "<h1" not in html
    assert '<h2 id="section-causes">Causes</h2>' in html
    assert "<h3" in html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)">',
    "<iframe src=//evil.example></iframe>",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "[x](vbscript:msgbox(1))",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_markdown_never_reaches_the_browser_as_markup(payload):
    html = render_body(f"Text [1] {payload}", reference_count=1).html
    lowered = html.lower()
    assert "<script" not in lowered
    # Dangerous schemes may survive as visible text, never as a link or source.
    tags = re.findall(r"<[^>]*>", lowered)  # real tags only: escaped text has &lt;
    assert not any(
        re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):", t) for t in tags
    )
    assert not any(re.search(r"\son\w+\s*=", tag) for tag in tags)  # no event handlers
    assert not any("style=" in tag for tag in tags)
    for tag in ("<img", "<svg", "<iframe", "<details", "<div", "<math", "<style"):
        assert tag not in lowered


def test_hostile_text_is_escaped_on_the_revision_page(client, author, make_article):
    article = make_article(body="Hi [1] <script>alert('body')</script>", summary="<b>bold</b>")
    client.force_login(author)
    page = client.get(reverse("articles:revision", args=[article.pk, 1])).content.decode()
    assert "<script>alert('body')" not in page
    assert "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page


def test_reference_links_only_for_safe_urls(client, author, make_article):
    from articles.models import Reference

    article = make_article()
    Reference.objects.filter(revision=article.current_revision).update(
        url="javascript:alert(1)", pmid="12ab", doi="not-a-doi"
    )
    client.force_login(author)
    page = client.get(reverse("articles:revision", args=[article.pk, 1])).content.decode()
    assert 'href="javascript:' not in page
    assert "pubmed" not in page
    assert "doi.org" not in page
    # Still shown to the reader, as plain text.
    assert "PMID: 12ab" in page and "doi:not-a-doi" in page and " javascript:alert(1)" in page


def test_reference_list_links_pubmed_doi_and_back_to_the_text(client, author, make_article):
    article = make_article()
    client.force_login(author)
    page = client.get(reverse("articles:revision", args=[article.pk, 1])).content.decode()
    assert 'id="ref-1"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/1001/"' in page
    assert 'href="https://doi.org/10.1000/test.1"' in page
    assert 'href="#cite-1"' in page


GLOSSARY = [
    GlossaryEntry("neuropathy", "nerve damage", ("neuropathy", "neuropathies")),
    GlossaryEntry("ACE", "a blood pressure enzyme", ("ACE",)),
]


def _explained(html: str) -> int:
    return html.count('class="glossary-note"')


def test_glossary_matches_whole_words_in_any_case():
    html = render_body("NEUROPATHY and polyneuropathy and ACEs and ace.", 0, GLOSSARY).html
    assert "<dfn>NEUROPATHY</dfn>" in html
    assert "<dfn>ace</dfn>" in html
    assert "poly<dfn>" not in html and "<dfn>ACE</dfn>s" not in html


def test_glossary_explains_a_term_once_per_section():
    text = "## One\n\nNeuropathy here. Neuropathies there.\n\n## Two\n\nNeuropathy again."
    html = render_body(text, 0, GLOSSARY).html
    assert _explained(html) == 2
    assert html.index("<dfn>") > html.index("One") and html.rindex("<dfn>") > html.index("Two")


def test_glossary_skips_links_code_and_headings():
    text = "## Neuropathy\n\n[neuropathy](https://example.org) `neuropathy`\n\n    neuropathy"
    assert _explained(render_body(text, 0, GLOSSARY).html) == 0


def test_glossary_terms_can_link_to_a_list_of_words_with_one_id_each():
    text = render_text(
        "Neuropathy is common.",
        "## One\n\nNeuropathy here.\n\n## Two\n\nACE and neuropathy again.",
        0,
        glossary=GLOSSARY,
        term_links=True,
    )
    page = text.summary + text.body
    # Every explained use links to the term's entry; only the first use has the
    # id the entry's back link points to, wherever it sits (summary or body).
    assert page.count('href="#define-neuropathy"') == 3
    assert page.count('id="use-neuropathy"') == 1
    assert 'id="use-neuropathy"' in text.summary
    assert 'id="use-ace"' in text.body
    assert [entry.term for entry in text.terms] == ["neuropathy", "ACE"]  # order of first use
    # Without links (staff previews), terms stay focusable spans as before.
    plain = render_text("Neuropathy.", "", 0, glossary=GLOSSARY)
    assert '<span class="glossary" tabindex="0"><dfn>' in plain.summary
    assert "define-" not in plain.summary


def test_glossary_explanations_are_escaped():
    hostile = [GlossaryEntry("dose", "<script>alert(1)</script>", ("dose",))]
    html = render_body("The dose matters.", 0, hostile).html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_markup_typed_by_an_author_is_shown_as_text():
    html = render_body("Use <b>bold</b> sparingly [1].", reference_count=1).html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_a_line_shaped_like_a_link_definition_stays_visible():
    # CommonMark would hide "[1]: ..." as a link definition; here it is text,
    # so nothing an author wrote silently disappears.
    rendered = render_body("Intro [1].\n\n[1]: https://example.org/paper", reference_count=1)
    assert ": https://example.org/paper" in rendered.html
    assert rendered.cited == (1, 1)


def test_repeated_headings_get_distinct_ids_and_citations_stay_out_of_them():
    html = render_body("## Risk [1]\n\nA.\n\n## Risk\n\nB.\n\n#### Detail", 1).html
    assert '<h2 id="section-risk">Risk <sup class="citation">' in html
    assert '<h2 id="section-risk-1">Risk</h2>' in html
    assert '<h4 id="section-detail">Detail</h4>' in html


def test_glossary_terms_with_ampersands_are_explained():
    entries = [GlossaryEntry("A&E", "the emergency department", ("A&E",))]
    html = render_body("Go to A&E at once.", 0, entries).html
    assert "<dfn>A&amp;E</dfn>" in html
    assert "(the emergency department)" in html


def test_an_escaped_bracket_is_text_not_a_citation():
    rendered = render_body(r"Quoted as \[1] in the source; see [2]. Code: `\[3]`", 3)
    assert rendered.cited == (2,)
    assert "Quoted as [1] in the source" in rendered.html
    assert r"<code>\[3]</code>" in rendered.html
