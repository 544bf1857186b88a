"""Questions about a table ("what is in row 3 of the table in the previous photo?") answered from its cells.

Rows are counted below the column header when the table has one (as people count them); columns from the left,
by number, by letter (B) or by their header text. What the cells cannot answer returns None: the caller then
asks the model, showing it the table crop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1,
}  # fmt: skip
_ORDINAL = "|".join(ORDINALS)
_NUMBER = r"(?:#|no\.?|number)?\s*(\d{1,3})(?:st|nd|rd|th)?"
ROW = re.compile(rf"\brow\s*{_NUMBER}\b|\b({_ORDINAL})\s+row\b|\b(\d{{1,3}})(?:st|nd|rd|th)\s+row\b", re.I)
_COL = "(?i:col(?:umn)?)"  # the word in any case; a column letter must be a capital
COLUMN = re.compile(
    rf"\b{_COL}\s*(?i:{_NUMBER})\b|\b{_COL}\s+([A-Z])\b|\b(?i:({_ORDINAL})\s+col(?:umn)?)\b"
    rf"|[\"'“‘]([^\"'”’]{{1,60}})[\"'”’]\s+{_COL}\b|\b{_COL}\s+[\"'“‘]([^\"'”’]{{1,60}})[\"'”’]"
)
CELL = re.compile(r"\b(?i:cell)\s+([A-Z])(\d{1,3})\b")
TABLE = re.compile(r"\btable\s+(\d{1,2})\b|\b(?:table|grid)s?\b", re.I)
PHOTO = re.compile(r"\b(?:photo|picture|image)\s+(\d{1,3})\b", re.I)


@dataclass(frozen=True)
class TableQuestion:
    row: int | None = None  # 1-based below the header; -1 for the last
    column: int | str | None = None  # 1-based index (-1 last) or header text
    table: int | None = None  # "table 2": the second table of the photo
    photo: int | None = None  # "photo 3"
    mentions_table: bool = False


@dataclass(frozen=True)
class CellAnswer:
    text: str
    cells: list[tuple[int, int]] = field(default_factory=list)  # 0-based (grid row, column) pairs cited


def parse_table_question(question: str) -> TableQuestion | None:
    """What a question asks of a table, or None when it names no table, row, column or cell."""
    row, column = _row(question), _column(question)
    cell = CELL.search(question)
    if cell:
        column, row = ord(cell.group(1)) - ord("A") + 1, int(cell.group(2))
    table_match = TABLE.search(question)
    if row is None and column is None and table_match is None:
        return None
    table_number = next((int(m.group(1)) for m in TABLE.finditer(question) if m.group(1)), None)
    photo = PHOTO.search(question)
    return TableQuestion(
        row=row,
        column=column,
        table=table_number,
        photo=int(photo.group(1)) if photo else None,
        mentions_table=table_match is not None,
    )


def _row(question: str) -> int | None:
    match = ROW.search(question)
    if match is None:
        return None
    number, ordinal, numeric_ordinal = match.groups()
    return int(number or numeric_ordinal) if (number or numeric_ordinal) else ORDINALS[ordinal.lower()]


def _column(question: str) -> int | str | None:
    match = COLUMN.search(question)
    if match is None:
        return None
    number, letter, ordinal, quoted_before, quoted_after = match.groups()
    if number:
        return int(number)
    if letter:
        return ord(letter) - ord("A") + 1
    if ordinal:
        return ORDINALS[ordinal.lower()]
    return (quoted_before or quoted_after).strip()


def column_labels(rows: list[list[str]], header_rows: int) -> list[str]:
    """Each column's header text (header rows joined), or "column N" where it has none."""
    width = len(rows[0]) if rows else 0
    labels = []
    for c in range(width):
        parts = [rows[r][c].strip() for r in range(min(header_rows, len(rows))) if rows[r][c].strip()]
        labels.append(" / ".join(parts) or f"column {c + 1}")
    return labels


def _column_index(question: TableQuestion, text: str, labels: list[str]) -> int | None:
    """The column asked for: explicit (number, letter, ordinal, quoted header) or a header named in the text."""
    wanted = question.column
    if isinstance(wanted, int):
        index = len(labels) + wanted if wanted < 0 else wanted - 1
        return index if 0 <= index < len(labels) else None
    if isinstance(wanted, str):
        return next((i for i, label in enumerate(labels) if label.lower() == wanted.lower()), None)
    named = [i for i, label in enumerate(labels) if _names(text, label)]
    return named[0] if len(named) == 1 else None


def _names(text: str, label: str) -> bool:
    if label.startswith("column ") or len(label) < 3:
        return False
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text, re.I) is not None


def answer_from_cells(
    question: TableQuestion, text: str, rows: list[list[str]], header_rows: int, *, where: str
) -> CellAnswer | None:
    """An answer built from the stored cells, naming the table and cells; None when they cannot answer it."""
    if not rows or (question.row is None and question.column is None):
        return None
    labels = column_labels(rows, header_rows)
    column = _column_index(question, text, labels)
    if question.column is not None and column is None:
        return None
    if question.row is None:
        return _column_answer(rows, header_rows, labels, column, where) if column is not None else None
    body = len(rows) - header_rows
    index = body + question.row if question.row < 0 else question.row - 1
    if not 0 <= index < body:
        return None
    grid_row = header_rows + index
    row_name = f"row {index + 1}" + (" (below the header)" if header_rows else "")
    if column is not None:
        value = rows[grid_row][column].strip() or "(empty)"
        return CellAnswer(f"{where}, {row_name}, {labels[column]}: {value}", [(grid_row, column)])
    values = "; ".join(f"{labels[c]}: {rows[grid_row][c].strip() or '(empty)'}" for c in range(len(labels)))
    return CellAnswer(f"{where}, {row_name}: {values}", [(grid_row, c) for c in range(len(labels))])


MAX_LISTED = 40


def _column_answer(rows: list[list[str]], header_rows: int, labels: list[str], column: int, where: str) -> CellAnswer:
    body = list(range(header_rows, len(rows)))[:MAX_LISTED]
    values = "; ".join(f"row {r - header_rows + 1}: {rows[r][column].strip() or '(empty)'}" for r in body)
    return CellAnswer(f"{where}, {labels[column]}: {values}", [(r, column) for r in body])


def cited(table: Any, photo_number: int, answer: CellAnswer) -> dict[str, Any]:
    return {
        "table": table.id,
        "table_index": table.index,
        "photo": photo_number,
        "photo_sha256": table.photo.sha256,
        "cells": [list(cell) for cell in answer.cells],
    }
