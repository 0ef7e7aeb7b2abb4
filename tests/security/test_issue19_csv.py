"""Issue 19, item 9: no cell of a CSV export is read as a formula when the
file is opened in a spreadsheet (OWASP's CSV injection rule)."""

import csv
import io

import pytest
from django.urls import reverse

from articles.csv_export import spreadsheet_safe
from articles.models import AuditEntry

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


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
    rows = _rows(client.get(reverse("articles:audit_csv"), {"article": hostile_article.pk}))
    titles = {row[1] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://x")'}
    comments = sorted(row[8] for row in rows[1:] if row[5] == "note")
    assert comments == sorted(f"'{start}1+1 comment" for start in FORMULA_STARTS)


def test_audit_csv_keeps_ordinary_cells_as_they_are(client, editor, author, make_article, advance):
    article = advance(make_article(title="Is 1 - 1 zero?", references=1), "submit")
    AuditEntry.note(article, author, "note", "A plain comment; a = b")
    client.force_login(editor)
    rows = _rows(client.get(reverse("articles:audit_csv"), {"article": article.pk}))
    assert {row[1] for row in rows[1:]} == {"Is 1 - 1 zero?"}
    assert "A plain comment; a = b" in [row[8] for row in rows[1:]]
    assert all(row[2] == str(article.pk) for row in rows[1:])


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_gets_an_apostrophe(start):
    assert spreadsheet_safe(f"{start}cmd") == f"'{start}cmd"
    assert spreadsheet_safe(f"a{start}cmd") == f"a{start}cmd"
    assert spreadsheet_safe(42) == 42
