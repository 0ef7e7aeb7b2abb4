"""Importing references from a reference manager's export (RIS, BibTeX)
through the article editor's paste box: every record becomes a reference
row, and one that is broken is kept with a sentence saying what to fix."""

import html
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article, Reference
from articles.text.citations import parse_reference_block

from .factories import editor_payload

CREATE = reverse("articles:create")
DATA = Path(__file__).parent / "data"


def _export(name: str) -> str:
    # newline="": the files keep the CRLF line ends the programs write.
    with open(DATA / name, encoding="utf-8", newline="") as export:
        return export.read()


@pytest.fixture
def writer(client, author):
    client.force_login(author)
    return client


def _split(client, pasted: str, url: str = CREATE, **extra):
    data = editor_payload(title="Do magnesium tablets help leg cramps?", body="[1]", **extra)
    data.update(pasted_references=pasted, action="split_references")
    response = client.post(url, data)
    return response, html.unescape(response.content.decode())


def _row(text: str, index: int, field: str) -> str:
    """The value of reference row `index`'s `field` as the page shows it."""
    marker = f'name="refs-{index}-{field}"'
    tag = text[text.rindex("<", 0, text.index(marker)) : text.index(">", text.index(marker))]
    if 'value="' not in tag:
        return ""
    return tag.split('value="', 1)[1].split('"', 1)[0]


def test_zotero_ris_export_fills_a_row_per_record(writer):
    response, text = _split(writer, _export("zotero_export.ris"))
    assert response.status_code == 400  # one record has no title (next test)
    assert "Added 6 references from the pasted RIS export." in text
    # First record: names as Vancouver writes them, the journal's abbreviation,
    # the PMID from Zotero's note, the DOI and no URL (it was the DOI's own).
    assert _row(text, 0, "authors") == "Halvorsen IM, O'Connell B, van der Linden JP"
    assert _row(text, 0, "title") == (
        "Oral magnesium for muscle cramps in older adults: a randomised crossover trial"
    )
    assert _row(text, 0, "journal") == "J Geriatr Pharmacother"
    assert _row(text, 0, "year") == "2019"
    assert _row(text, 0, "pmid") == "39990001"
    assert _row(text, 0, "doi") == "10.5555/jgp.2019.0142"
    assert _row(text, 0, "url") == ""
    # A DOI given as a link, and a web page by a group author.
    assert _row(text, 1, "doi") == "10.5555/fpe.2021.33"
    assert _row(text, 1, "url") == "https://example.org/fpe/2021/33"
    assert _row(text, 2, "authors") == "Northern Health Advice Service"
    assert _row(text, 2, "url") == "https://example.org/leg-cramps"
    assert not Article.objects.exists()


def test_broken_ris_records_are_kept_with_what_to_fix(writer):
    response, text = _split(writer, _export("zotero_export.ris"))
    # No title: the row keeps what was there and asks for the title.
    assert (
        "The RIS record starting on line 43 is in reference row 4, but it has no title: "
        "type the title into its row." in text
    )
    assert _row(text, 3, "authors") == "Brightwater O"
    assert _row(text, 3, "journal") == "Sleep Medicine Letters"
    assert _row(text, 3, "title") == ""
    assert response.status_code == 400  # the empty title is marked on its row
    assert "This field is required." in text
    # "in press" is no year.
    assert "reference row 5, but its year “in press” is not a year" in text
    assert _row(text, 4, "title") == "Quinine and nocturnal cramps: a review of harms"
    assert _row(text, 4, "year") == ""
    # The last record lost its ER line when copied.
    assert "reference row 6, but it has no end line (ER  -), so it may have been cut off" in text
    assert _row(text, 5, "title") == "A record copied without its last lines"


def test_endnote_ris_keeps_the_pmid_in_the_accession_number(writer):
    response, text = _split(writer, _export("endnote_export.ris"))
    assert response.status_code == 200
    assert "Added 1 reference from the pasted RIS export." in text
    assert _row(text, 0, "authors") == "Moreno L, Achterberg P"
    assert _row(text, 0, "journal") == "Age Res Q"
    assert _row(text, 0, "year") == "2016"
    assert _row(text, 0, "pmid") == "39990002"


def test_zotero_bibtex_export_fills_rows_and_flags_broken_entries(writer):
    response, text = _split(writer, _export("zotero_export.bib"))
    assert response.status_code == 400  # one entry has no title
    assert "Added 4 references from the pasted BibTeX." in text
    # LaTeX accents decoded, "and others" kept as et al.
    assert _row(text, 0, "authors") == (
        "Halvorsen IM, O'Connell B, van der Linden JP, Müller J, et al."
    )
    assert _row(text, 0, "journal") == "Journal of Geriatric Pharmacotherapy"
    assert _row(text, 0, "pmid") == "39990001"
    assert _row(text, 0, "url") == "https://example.org/jgp/2019/0142"
    # A braced group author is one author.
    assert _row(text, 1, "authors") == "Northern Health Advice Service"
    assert "The BibTeX entry starting on line 28 is in reference row 3, but it has no title" in text
    assert "reference row 4, but its year “forthcoming” is not a year" in text


def test_jabref_biblatex_export_and_an_unreadable_entry(writer):
    response, text = _split(writer, _export("jabref_export.bib"))
    assert response.status_code == 200
    assert "Added 3 references from the pasted BibTeX." in text
    assert _row(text, 0, "authors") == "Abernathy C, Nakashima R"
    assert _row(text, 0, "pmid") == "39990003"
    # biblatex: journaltitle/shortjournal, a date, the PMID as a PubMed eprint.
    assert _row(text, 1, "journal") == "Age Res Q"
    assert _row(text, 1, "year") == "2016"
    assert _row(text, 1, "pmid") == "39990002"
    assert _row(text, 1, "title") == "Vitamin D and falls in care-home residents: a cluster trial"
    # The entry with a missing brace is kept whole, as a free-text title.
    assert "reference row 3, but it could not be read as BibTeX" in text
    assert _row(text, 2, "title").startswith("@Article{Fairweather2020, author = {Fairweather")


def test_imported_rows_fill_empty_rows_first_and_keep_typed_ones(writer):
    typed = {"title": "A reference typed by hand", "authors": "Doe J", "year": 2015}
    data_refs = [typed]
    response, text = _split(writer, _export("endnote_export.ris"), references=data_refs)
    assert response.status_code == 200
    assert _row(text, 0, "title") == "A reference typed by hand"
    assert _row(text, 1, "title") == "Vitamin D and falls in care-home residents: a cluster trial"


def test_imported_references_save_with_the_draft(writer):
    response, text = _split(writer, _export("endnote_export.ris"))
    data = editor_payload(
        title="Does vitamin D prevent falls?",
        body="Perhaps [1].",
        references=[
            {
                name: _row(text, 0, name)
                for name in ("authors", "title", "journal", "year", "pmid", "doi", "url")
            }
        ],
    )
    data["action"] = "save"
    response = writer.post(CREATE, data)
    assert response.status_code == 302
    saved = Reference.objects.get()
    assert (saved.authors, saved.journal, saved.year, saved.pmid, saved.doi) == (
        "Moreno L, Achterberg P",
        "Age Res Q",
        2016,
        "39990002",
        "10.5555/arq.2016.008",
    )


def test_plain_lines_are_still_read_as_before(writer):
    pasted = "Smith J, Lee K. Statin myopathy in practice. BMJ. 2019;364:l100. PMID: 30000001\n"
    response, text = _split(writer, pasted)
    assert response.status_code == 200
    assert "Added 1 reference from the pasted text." in text
    assert _row(text, 0, "title") == "Statin myopathy in practice"


def test_import_into_an_existing_draft(client, author, draft):
    client.force_login(author)
    url = reverse("articles:edit", args=[draft.pk])
    response, text = _split(client, _export("endnote_export.ris"), url=url)
    assert response.status_code == 200
    assert "Added 1 reference from the pasted RIS export." in text


def test_nobody_else_can_import_into_a_draft(client, other_author, draft):
    client.force_login(other_author)
    url = reverse("articles:edit", args=[draft.pk])
    response, _text = _split(client, _export("endnote_export.ris"), url=url)
    assert response.status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    response, _text = _split(client, _export("endnote_export.ris"))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nER  - \n",
        "TY  - JOUR\nAU  - ,\nPY  - 99999999999999999999\nER  -",
        "@article{x,\n",
        "@article{x, author = {and and and}, title = {{{}}}}",
        "@string{j = {Journal}}\n@article{y, title = {T}, journal = j, year = 2020}",
        "TY  - \nTY  -\nTY  - JOUR\n" + "N1  - x\n" * 50,
    ],
)
def test_hostile_or_odd_exports_never_raise_and_never_vanish(text):
    entries = parse_reference_block(text)
    assert entries
    for entry in entries:
        assert len(entry.fields["title"]) <= 500
        assert entry.understood or entry.problems or entry.kind == "line"
