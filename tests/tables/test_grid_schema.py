"""The reading schema fixes the detected shape: exactly R rows of exactly C bounded strings."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from inference.tables import grid_schema, table_read_prompt


def test_the_schema_asks_for_exactly_the_detected_rows_and_columns():
    rows = grid_schema(5, 3)["properties"]["rows"]
    assert rows["minItems"] == rows["maxItems"] == 5
    assert rows["items"]["minItems"] == rows["items"]["maxItems"] == 3
    assert rows["items"]["items"]["maxLength"] > 0


def test_a_grid_of_another_shape_does_not_validate():
    validator = Draft202012Validator(grid_schema(2, 2))
    assert validator.is_valid({"rows": [["a", "b"], ["c", ""]]})
    assert not validator.is_valid({"rows": [["a", "b"]]})
    assert not validator.is_valid({"rows": [["a", "b", "c"], ["d", "e", "f"]]})


def test_an_empty_grid_is_refused():
    with pytest.raises(ValueError):
        grid_schema(0, 3)


def test_the_prompt_states_the_shape_and_the_header():
    prompt = table_read_prompt(5, 3, header_rows=1)
    assert "5 rows" in prompt and "3 columns" in prompt and "first row is the column header" in prompt
