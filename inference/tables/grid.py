"""From structure detections to a grid: rows top to bottom, columns left to right, cells where they cross.

TableTransformer finds rows, columns, column headers and spanning cells as boxes; it reads no text. Duplicate
boxes (two queries on one row) are merged, rows are stretched to the table's width and columns to its height,
so every row meets every column and the grid is exactly rows x columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from inference.tables.detect import Box, Detection

DUPLICATE_OVERLAP = 0.5  # two rows (columns) overlapping by half of the thinner one are one row (column)


@dataclass(frozen=True)
class Grid:
    rows: tuple[Box, ...]
    columns: tuple[Box, ...]
    header_rows: int = 0  # how many of the top rows are column headers
    spanning: tuple[Box, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.columns)

    @property
    def empty(self) -> bool:
        return not self.rows or not self.columns

    def cell(self, row: int, column: int) -> Box:
        """The box of the cell at (row, column), 0-based: where the row meets the column."""
        r, c = self.rows[row], self.columns[column]
        return (c[0], r[1], c[2], r[3])

    def cells(self) -> list[list[Box]]:
        return [[self.cell(r, c) for c in range(len(self.columns))] for r in range(len(self.rows))]

    def shifted(self, dx: float, dy: float) -> Grid:
        """The same grid, moved (from crop coordinates to photo coordinates)."""

        def move(boxes: Iterable[Box]) -> tuple[Box, ...]:
            return tuple((b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy) for b in boxes)

        return Grid(move(self.rows), move(self.columns), self.header_rows, move(self.spanning))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": _rounded(self.rows),
            "columns": _rounded(self.columns),
            "header_rows": self.header_rows,
            "spanning": _rounded(self.spanning),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grid:
        return cls(
            _boxes(data.get("rows", [])),
            _boxes(data.get("columns", [])),
            int(data.get("header_rows", 0)),
            _boxes(data.get("spanning", [])),
        )


def _rounded(boxes: Iterable[Box]) -> list[list[float]]:
    return [[round(v, 1) for v in box] for box in boxes]


def _boxes(raw: Iterable[Sequence[float]]) -> tuple[Box, ...]:
    return tuple((float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in raw)


def _overlap(a: Box, b: Box, axis: int) -> float:
    """Overlap of two boxes along one axis (0: x, 1: y), as a share of the thinner box."""
    low, high = max(a[axis], b[axis]), min(a[axis + 2], b[axis + 2])
    thinner = min(a[axis + 2] - a[axis], b[axis + 2] - b[axis])
    return max(0.0, high - low) / thinner if thinner > 0 else 0.0


def _distinct(found: Sequence[Detection], axis: int) -> list[Box]:
    """The best-scoring box of each group of boxes that overlap along `axis`, ordered along it."""
    kept: list[Box] = []
    for detection in sorted(found, key=lambda d: -d.score):
        if all(_overlap(detection.box, other, axis) < DUPLICATE_OVERLAP for other in kept):
            kept.append(detection.box)
    return sorted(kept, key=lambda b: (b[axis] + b[axis + 2]) / 2)


def _table_box(detections: Sequence[Detection], parts: Sequence[Box]) -> Box:
    tables = [d for d in detections if d.label == "table"]
    if tables:
        return max(tables, key=lambda d: d.score).box
    return (min(b[0] for b in parts), min(b[1] for b in parts), max(b[2] for b in parts), max(b[3] for b in parts))


def _inside(box: Box, bounds: Box) -> Box:
    x1, y1 = max(box[0], bounds[0]), max(box[1], bounds[1])
    return (x1, y1, max(x1, min(box[2], bounds[2])), max(y1, min(box[3], bounds[3])))


def build_grid(detections: Sequence[Detection]) -> Grid:
    """The grid a structure pass describes (coordinates as given); empty when it found no rows or no columns."""
    row_boxes = _distinct([d for d in detections if d.label == "table row"], axis=1)
    column_boxes = _distinct([d for d in detections if d.label == "table column"], axis=0)
    if not row_boxes or not column_boxes:
        return Grid((), ())
    x1, y1, x2, y2 = _table_box(detections, [*row_boxes, *column_boxes])
    rows = tuple(_inside((x1, r[1], x2, r[3]), (x1, y1, x2, y2)) for r in row_boxes)
    columns = tuple(_inside((c[0], y1, c[2], y2), (x1, y1, x2, y2)) for c in column_boxes)
    headers = [d.box for d in detections if d.label == "table column header"]
    header_rows = _leading_header_rows(rows, headers)
    spanning = tuple(d.box for d in detections if d.label == "table spanning cell")
    return Grid(rows, columns, header_rows, spanning)


def _leading_header_rows(rows: Sequence[Box], headers: Sequence[Box]) -> int:
    """How many rows, from the top, have their middle inside a column-header box."""
    count = 0
    for row in rows:
        middle = (row[1] + row[3]) / 2
        if not any(h[1] <= middle <= h[3] for h in headers):
            break
        count += 1
    return count
