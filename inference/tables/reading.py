"""Reading a found table: the VLM fills exactly the detected grid (the schema fixes rows x columns)."""

from __future__ import annotations

from typing import Any

from inference.prompts.template import TaskTemplate, register_template
from inference.protocol import Sampling

CELL_MAX_CHARS = 80
TOKENS_PER_CELL = 96  # a full cell even at one token per character, with its quotes and comma
MAX_ANSWER_TOKENS = 4096

TABLE_READ = register_template(
    TaskTemplate(
        name="table_read",
        title="Read a table",
        version=1,
        system=(
            "You read tables in photos. Copy each cell's text exactly as printed: do not compute, translate, "
            "correct or summarise. Write an empty string for an empty cell or text you cannot read."
        ),
        user=(
            "This image is one table, cropped from a photo. Its grid has {rows} rows (top to bottom) and {columns} "
            "columns (left to right){header_note}. Return the rows in order, each with exactly {columns} cells. "
            "Text of a merged cell goes in its top-left cell; the cells it covers stay empty."
        ),
        max_tokens=MAX_ANSWER_TOKENS,
        image_tokens=1280,  # small print needs pixels: the top of Qwen's suggested range
        sampling=Sampling(temperature=0.1, top_p=0.5, top_k=5, presence_penalty=0.0),
    )
)


def grid_schema(rows: int, columns: int, *, cell_max_chars: int = CELL_MAX_CHARS) -> dict[str, Any]:
    """Exactly `rows` arrays of exactly `columns` bounded strings."""
    if rows < 1 or columns < 1:
        raise ValueError("a table grid needs at least one row and one column")
    row = {
        "type": "array",
        "minItems": columns,
        "maxItems": columns,
        "items": {"type": "string", "maxLength": cell_max_chars},
    }
    return {
        "type": "object",
        "properties": {"rows": {"type": "array", "minItems": rows, "maxItems": rows, "items": row}},
        "required": ["rows"],
        "additionalProperties": False,
    }


def table_read_fields(rows: int, columns: int, header_rows: int) -> dict[str, Any]:
    """The template's fields for a grid of this shape."""
    if header_rows == 1:
        note = "; the first row is the column header"
    elif header_rows > 1:
        note = f"; the first {header_rows} rows are column headers"
    else:
        note = ""
    return {"rows": rows, "columns": columns, "header_note": note}


def table_read_prompt(rows: int, columns: int, header_rows: int = 0) -> str:
    return TABLE_READ.user.format(**table_read_fields(rows, columns, header_rows))


def table_read_max_tokens(rows: int, columns: int) -> int:
    return min(MAX_ANSWER_TOKENS, 64 + rows * columns * TOKENS_PER_CELL)
