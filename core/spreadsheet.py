"""CSV that is safe to open in a spreadsheet: text that a spreadsheet would run as a formula is written as text.

Model output and user input end up in these files, so a cell such as `=HYPERLINK(...)` must never become live.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """A leading apostrophe makes spreadsheets show the text instead of evaluating it; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([inert_cell(value) for value in row])
    return out.getvalue()
