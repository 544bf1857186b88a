"""Questions about a table read from the stored cells: rows below the header, columns by number or name."""

from __future__ import annotations

import pytest

from core.conversations.table_questions import answer_from_cells, parse_table_question
from tests.tables.table_photos import BODY, HEADER

ROWS = [HEADER, *BODY]


@pytest.mark.parametrize(
    ("question", "row", "column"),
    [
        ("What is in row 3 of the table in the previous photo?", 3, None),
        ("what does the third row say", 3, None),
        ("Read cell B2", 2, 2),
        ("row 2, column 3?", 2, 3),
        ('the "Reading" column of the last row', -1, "Reading"),
    ],
)
def test_it_understands_rows_columns_and_cells(question, row, column):
    asked = parse_table_question(question)
    assert asked is not None and (asked.row, asked.column) == (row, column)


def test_a_question_about_something_else_is_not_a_table_question():
    assert parse_table_question("Is the valve open?") is None


def test_it_names_the_table_and_a_photo_when_asked():
    asked = parse_table_question("last row of table 2 in photo 3")
    assert asked is not None and (asked.table, asked.photo) == (2, 3)


def test_row_3_is_the_third_row_below_the_header_with_each_column_named():
    asked = parse_table_question("What is in row 3 of the table?")
    answer = answer_from_cells(asked, "", ROWS, 1, where="Table 1 on photo 2")
    assert answer is not None
    assert answer.text == "Table 1 on photo 2, row 3 (below the header): Tag: FT-303; Reading: 12.5; Unit: m3/h"
    assert answer.cells == [(3, 0), (3, 1), (3, 2)]


def test_a_column_named_in_the_question_narrows_the_answer_to_one_cell():
    question = "What is the reading in row 2?"
    answer = answer_from_cells(parse_table_question(question), question, ROWS, 1, where="Table 1")
    assert answer is not None and answer.text.endswith("Reading: 81") and answer.cells == [(2, 1)]


def test_a_row_the_table_does_not_have_cannot_be_answered_from_cells():
    asked = parse_table_question("What is in row 9 of the table?")
    assert answer_from_cells(asked, "", ROWS, 1, where="Table 1") is None


def test_a_question_that_needs_reasoning_cannot_be_answered_from_cells():
    asked = parse_table_question("Which reading in the table is the highest?")
    assert answer_from_cells(asked, "", ROWS, 1, where="Table 1") is None
