"""A photo with a printed table, the boxes TableTransformer would find in it, and random-weight models.

Random weights find nothing meaningful, so tests inject these boxes where the models' detections meet the grid
logic (TableRecognizer's `adjust`); the forward passes themselves still run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw

from inference.tables import Detection, TableModels, TableRecognizer, random_table_models
from inference.tables.recognizer import CROP_PADDING

PHOTO_SIZE = (800, 600)
TABLE_BOX = (100.0, 120.0, 700.0, 440.0)
HEADER = ["Tag", "Reading", "Unit"]
BODY = [["PT-101", "4.2", "bar"], ["TT-202", "81", "°C"], ["FT-303", "12.5", "m3/h"], ["LT-404", "63", "%"]]
ROWS, COLUMNS = 1 + len(BODY), len(HEADER)


def table_photo_bytes(shade: int = 0) -> bytes:
    """The printed table on a desk; `shade` changes the desk's colour (another photo, the same table)."""
    image = Image.new("RGB", PHOTO_SIZE, (236 - shade, 232, 224 + shade // 2))
    draw = ImageDraw.Draw(image)
    x1, y1, x2, y2 = TABLE_BOX
    draw.rectangle((x1, y1, x2, y2), fill="white", outline="black", width=2)
    row_h, col_w = (y2 - y1) / ROWS, (x2 - x1) / COLUMNS
    for r, row in enumerate([HEADER, *BODY]):
        for c, text in enumerate(row):
            draw.rectangle(
                (x1 + c * col_w, y1 + r * row_h, x1 + (c + 1) * col_w, y1 + (r + 1) * row_h), outline="black"
            )
            draw.text((x1 + c * col_w + 12, y1 + r * row_h + 22), text, fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


@dataclass
class InjectedBoxes:
    """Stands in for what trained weights would find: the table in the photo, then its rows and columns."""

    rows: int = ROWS
    columns: int = COLUMNS
    header: bool = True
    calls: list[tuple[str, tuple[int, int], int]] = field(default_factory=list)

    def __call__(self, stage: str, found: list[Detection], input_size: tuple[int, int]) -> list[Detection]:
        self.calls.append((stage, input_size, len(found)))
        if stage == "detection":
            return [Detection("table", 0.98, TABLE_BOX)]
        return self.structure()

    def structure(self) -> list[Detection]:
        """Rows, columns, a header and the table, in crop coordinates (the crop starts PADDING before the table)."""
        w, h = TABLE_BOX[2] - TABLE_BOX[0], TABLE_BOX[3] - TABLE_BOX[1]
        x0 = y0 = float(CROP_PADDING)
        found = [Detection("table", 0.99, (x0, y0, x0 + w, y0 + h))]
        for r in range(self.rows):
            top = y0 + r * h / self.rows
            found.append(Detection("table row", 0.9, (x0 + 2, top + 1, x0 + w - 3, top + h / self.rows - 1)))
        for c in range(self.columns):
            left = x0 + c * w / self.columns
            found.append(Detection("table column", 0.9, (left + 1, y0 + 2, left + w / self.columns - 1, y0 + h - 2)))
        if self.header:
            found.append(Detection("table column header", 0.8, (x0, y0, x0 + w, y0 + h / self.rows)))
        return found


@cache
def shared_random_models() -> TableModels:
    return random_table_models(seed=0)


def random_recognizer(adjust: InjectedBoxes | None = None) -> TableRecognizer:
    return TableRecognizer(shared_random_models(), adjust=adjust or InjectedBoxes())
