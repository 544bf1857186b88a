"""Tables in photos: find them (TableTransformer), read each into its grid (one engine run), export as CSV.

Other apps call `tables_extract(user=, team=, photo=)` for a stored photo: it returns the photo's tables at once
(with their grid and box) and starts one `table_read` run per table; the cells exist once that run is done
(`table_rows`). It raises TablesUnavailable (HTTP 503) when the table models are not loaded.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from django.db import transaction
from PIL import Image

from core.intake import resize_for_budget
from core.models import Photo, Run, Table, TableCell, Team
from core.services.photos import photo_path
from core.services.runs import run_create
from core.spreadsheet import csv_text
from core.tables.models_state import table_recognizer
from core.tables.selectors import table_rows, tables_of_photo
from inference.protocol import ImageInput
from inference.tables import FoundTable, Grid, TableRecognizer
from inference.tables.reading import table_read_fields, table_read_max_tokens

MAX_CELL_CHARS = 200


def photo_image(photo: Photo) -> Image.Image:
    with Image.open(photo_path(photo)) as image:
        return image.convert("RGB")


def tables_extract(
    *, user: Any, team: Team, photo: Photo, force: bool = False, recognizer: TableRecognizer | None = None
) -> list[Table]:
    """The photo's tables: the stored ones, or (none yet, or `force`) newly found, each read by a new run."""
    existing = tables_of_photo(team_id=team.id, photo=photo)
    if existing and not force:
        return existing
    found = (recognizer or table_recognizer()).find_tables(photo_image(photo))
    with transaction.atomic():
        Table.objects.filter(team=team, photo=photo).delete()
        return [_table_create(user=user, team=team, photo=photo, index=i, found=t) for i, t in enumerate(found, 1)]


def _table_create(*, user: Any, team: Team, photo: Photo, index: int, found: FoundTable) -> Table:
    rows, columns = found.shape
    table = Table.objects.create(
        team=team,
        photo=photo,
        index=index,
        box=[round(v, 1) for v in found.box],
        crop=list(found.crop),
        score=round(found.score, 4),
        n_rows=rows,
        n_columns=columns,
        header_rows=found.grid.header_rows,
        grid=found.grid.as_dict(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    table.read_run = run_create(
        user=user,
        team=team,
        task="table_read",
        photos=[photo],
        fields={**table_read_fields(rows, columns, found.grid.header_rows), "table": str(table.id)},
        max_tokens=table_read_max_tokens(rows, columns),
    )
    table.save(update_fields=["read_run"])
    return table


def table_cells_store(*, table: Table, run: Run) -> None:
    """Keep a finished read's cells; a grid of another shape fails the run (the schema should prevent it)."""
    rows = (run.result or {}).get("rows") if isinstance(run.result, dict) else None
    if not isinstance(rows, list) or len(rows) != table.n_rows or any(len(r) != table.n_columns for r in rows):
        raise ValueError(f"the table was not read as {table.n_rows} rows of {table.n_columns} cells")
    grid = Grid.from_dict(table.grid)
    TableCell.objects.filter(table=table).delete()
    TableCell.objects.bulk_create(
        TableCell(table=table, row=r, column=c, text=str(text)[:MAX_CELL_CHARS], box=_rounded(grid.cell(r, c)))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )


def _rounded(box: tuple[float, ...]) -> list[float]:
    return [round(v, 1) for v in box]


def table_csv(table: Table) -> str:
    """The table's cells as CSV, one line per grid row (header rows included)."""
    return csv_text(table_rows(table))


def table_crop_input(table: Table, *, max_tokens: int) -> ImageInput:
    """The table's padded crop as the engine receives it: resized to the pixel budget, once, then cached."""
    x1, y1, x2, y2 = (int(v) for v in table.crop)
    crop = (x1, y1, x2, y2)
    key = f"{table.photo.sha256}-table-{'-'.join(map(str, crop))}-t{max_tokens}"
    return ImageInput(data=_crop_bytes(str(photo_path(table.photo)), crop, max_tokens), uuid=key)


@lru_cache(maxsize=32)  # content-addressed photos never change: the path and box identify the crop
def _crop_bytes(path: str, crop: tuple[int, int, int, int], max_tokens: int) -> bytes:
    with Image.open(path) as image:
        region = image.convert("RGB").crop(crop)
    buffer = io.BytesIO()
    region.save(buffer, "PNG")  # lossless in between: the budget resize encodes the JPEG once
    data, _, _ = resize_for_budget(data=buffer.getvalue(), max_tokens=max_tokens, quality=90)
    return data
