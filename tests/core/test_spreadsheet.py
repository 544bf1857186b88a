"""Cells that a spreadsheet would evaluate are written as text; everything else is written as it is."""

import csv
import io

from core.spreadsheet import csv_text, inert_cell


def test_text_that_starts_like_a_formula_is_made_text():
    for hostile in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'):
        assert inert_cell(hostile) == "'" + hostile


def test_ordinary_values_are_left_alone():
    assert inert_cell("Pump P-101 leaks") == "Pump P-101 leaks"
    assert inert_cell(-2.5) == -2.5  # a number is not a formula, and must stay a number
    assert inert_cell("") == ""
    assert inert_cell(None) is None


def test_csv_text_round_trips_with_every_cell_inert():
    rows = list(csv.reader(io.StringIO(csv_text([["name", "value"], ["=cmd|' /C calc'!A0", 3], ["a,b", "-x"]]))))
    assert rows == [["name", "value"], ["'=cmd|' /C calc'!A0", "3"], ["a,b", "'-x"]]
