"""CSV downloads that are safe to open in a spreadsheet. Every export goes
through `csv_download`, so none can forget the rule below."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell starting with one of these as a formula (for
# example =HYPERLINK(...) sending the sheet's data elsewhere): OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The value, with a leading apostrophe if a spreadsheet would read it as
    a formula; spreadsheets show the apostrophe-prefixed text as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence], *, filename: str
) -> StreamingHttpResponse:
    """Stream `rows` under `header` as a CSV attachment, row by row, each
    cell made spreadsheet-safe."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([spreadsheet_safe(cell) for cell in header])
        for row in rows:
            yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
