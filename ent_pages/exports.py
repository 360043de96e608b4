"""CSV exports: the one way Préau writes a spreadsheet for staff (activation report, note acknowledgements...).

Names come from the registry import and from families: a pupil or guardian called
``=HYPERLINK("http://…")`` would become a live formula when a director opens the file in a spreadsheet
(CSV injection, OWASP). Every cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with an apostrophe, which spreadsheets show as text and never evaluate.
"""

from __future__ import annotations

import csv

from django.http import HttpResponse

#: First characters that make LibreOffice Calc, Excel or Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, defused if a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class FormulaSafeWriter:
    """``csv.writer`` whose every cell goes through `neutralise` (same ``writerow``/``writerows``)."""

    def __init__(self, stream, **kwargs):
        kwargs.setdefault("delimiter", ";")  # French spreadsheets expect semicolons
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, FormulaSafeWriter]:
    """A private CSV download and its formula-safe writer (UTF-8 with a BOM so accents open right)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    return response, FormulaSafeWriter(response)
