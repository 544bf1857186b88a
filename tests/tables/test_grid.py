"""Cells are where rows meet columns: duplicates merge, rows span the table, headers are counted from the top."""

from __future__ import annotations

from inference.tables import Detection, Grid, build_grid


def rows_and_columns(rows: int, columns: int) -> list[Detection]:
    found = [Detection("table", 0.99, (0, 0, 300, 200))]
    found += [Detection("table row", 0.9, (5, r * 200 / rows, 290, (r + 1) * 200 / rows)) for r in range(rows)]
    found += [Detection("table column", 0.9, (c * 100, 4, (c + 1) * 100, 196)) for c in range(columns)]
    return found


def test_the_grid_has_one_cell_per_row_and_column():
    grid = build_grid(rows_and_columns(4, 3))
    assert grid.shape == (4, 3)
    assert len(grid.cells()) == 4 and all(len(row) == 3 for row in grid.cells())


def test_a_cell_is_the_intersection_of_its_row_and_column():
    grid = build_grid(rows_and_columns(4, 3))
    assert grid.cell(1, 2) == (200, 50, 300, 100)


def test_rows_span_the_whole_table_width_and_columns_its_height():
    grid = build_grid(rows_and_columns(2, 2))
    assert all(row[0] == 0 and row[2] == 300 for row in grid.rows)
    assert all(column[1] == 0 and column[3] == 200 for column in grid.columns)


def test_two_detections_of_one_row_count_once_keeping_the_better_one():
    found = [*rows_and_columns(3, 2), Detection("table row", 0.95, (0, 70, 300, 132))]
    grid = build_grid(found)
    assert grid.shape == (3, 2)
    assert grid.rows[1][1:4:2] == (70, 132)


def test_rows_are_ordered_top_to_bottom_whatever_order_they_come_in():
    found = list(reversed(rows_and_columns(3, 2)))
    grid = build_grid(found)
    assert [round(r[1]) for r in grid.rows] == [0, 67, 133]


def test_rows_inside_the_column_header_are_header_rows():
    found = [*rows_and_columns(4, 3), Detection("table column header", 0.8, (0, 0, 300, 52))]
    assert build_grid(found).header_rows == 1


def test_no_rows_or_no_columns_means_no_grid():
    only_rows = [d for d in rows_and_columns(3, 2) if d.label != "table column"]
    assert build_grid(only_rows).empty


def test_a_grid_moves_to_photo_coordinates_and_survives_storage():
    grid = build_grid(rows_and_columns(2, 2)).shifted(100, 50)
    assert grid.cell(0, 0) == (100, 50, 200, 150)
    assert Grid.from_dict(grid.as_dict()).cells() == grid.cells()
