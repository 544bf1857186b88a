"""Reads for tables: team visibility (outsiders get "not found"), a photo's tables, a table's cells."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Photo, RunStatus, Table
from core.selectors import visible_to


def tables_visible_to(user: Any) -> QuerySet[Table]:
    return visible_to(Table.objects.select_related("photo", "read_run"), user)


def table_get_visible(*, user: Any, table_id: int | str) -> Table:
    try:
        return tables_visible_to(user).get(id=table_id)
    except (Table.DoesNotExist, ValueError):
        raise NotFound("No such table.") from None


def tables_of_photo(*, team_id: int, photo: Photo) -> list[Table]:
    """The photo's tables for this team, in reading order (an extraction replaces the previous one)."""
    return list(
        Table.objects.filter(team_id=team_id, photo=photo).select_related("photo", "read_run").order_by("index")
    )


def table_rows(table: Table) -> list[list[str]]:
    """The stored cell texts as rows of strings (empty when the table has not been read)."""
    grid = [["" for _ in range(table.n_columns)] for _ in range(table.n_rows)]
    cells = list(table.cells.all())
    if not cells:
        return []
    for cell in cells:
        grid[cell.row][cell.column] = cell.text
    return grid


def table_is_read(table: Table) -> bool:
    return table.read_run is not None and table.read_run.status == RunStatus.DONE and table.cells.exists()
