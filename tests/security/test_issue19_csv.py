"""Issue 19, item 9: no cell of a CSV export is read as a formula when the
file is opened in a spreadsheet (OWASP's CSV injection rule)."""

import csv
import io

import pytest
from django.urls import reverse

from articles.models import AuditEntry
from office.csv_export import spreadsheet_safe

from .matrix_world import build_world, url_for, url_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def hostile_article(author, advance, make_article):
    article = make_article(title='=HYPERLINK("http://x")')
    article = advance(article, "submit")
    for start in FORMULA_STARTS:
        AuditEntry.note(article, author, "note", f"{start}1+1 comment")
    return article


def test_audit_csv_neutralises_cells_a_spreadsheet_would_run(client, editor, hostile_article):
    client.force_login(editor)
    rows = _rows(client.get(reverse("office:audit_csv"), {"article": hostile_article.pk}))
    titles = {row[1] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://x")'}
    comments = sorted(row[8] for row in rows[1:] if row[5] == "note")
    assert comments == sorted(f"'{start}1+1 comment" for start in FORMULA_STARTS)


def test_audit_csv_keeps_ordinary_cells_as_they_are(client, editor, author, make_article, advance):
    article = advance(make_article(title="Is 1 - 1 zero?", references=1), "submit")
    AuditEntry.note(article, author, "note", "A plain comment; a = b")
    client.force_login(editor)
    rows = _rows(client.get(reverse("office:audit_csv"), {"article": article.pk}))
    assert {row[1] for row in rows[1:]} == {"Is 1 - 1 zero?"}
    assert "A plain comment; a = b" in [row[8] for row in rows[1:]]
    assert all(row[2] == str(article.pk) for row in rows[1:])


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_gets_an_apostrophe(start):
    assert spreadsheet_safe(f"{start}cmd") == f"'{start}cmd"
    assert spreadsheet_safe(f"a{start}cmd") == f"a{start}cmd"
    assert spreadsheet_safe(42) == 42


def test_no_csv_download_anywhere_starts_a_cell_with_a_formula(client, db):
    """Every URL from the resolver, fetched as an editor; any CSV it returns
    (today the audit log's, tomorrow any other) is checked cell by cell."""
    people, kwargs, special = build_world()
    article = people["author"].authored_articles.first()
    for start in FORMULA_STARTS:
        AuditEntry.note(article, people["author"], f"{start}action", f"{start}comment")
    client.force_login(people["editor"])
    cells = []
    for name in url_names():
        response = client.get(url_for(name, kwargs, special))
        if response.get("Content-Type", "").startswith("text/csv"):
            cells += [cell for row in _rows(response) for cell in row]
    assert "'=comment" in cells  # the audit log's CSV was among them
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
