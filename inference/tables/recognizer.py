"""Find the tables in a photo and the grid of each: detection on the photo, structure on each padded crop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from inference.tables.detect import Box, Detection, detect, fitted_size
from inference.tables.grid import Grid, build_grid
from inference.tables.loading import TableModels

DETECTION_LONGEST = 800  # the detection model's input: longest side in pixels
STRUCTURE_LONGEST = 1000  # the structure model's input
THRESHOLD = 0.5
CROP_PADDING = 15  # pixels around a detected table, so border text is not cut
MAX_TABLES = 3

# Called with each pass's detections (stage "detection" or "structure", the size fed to the model) before the
# grid logic sees them; returns the detections to use. Production passes none; tests inject known boxes here.
AdjustDetections = Callable[[str, list[Detection], tuple[int, int]], list[Detection]]


@dataclass(frozen=True)
class FoundTable:
    box: Box  # the table as detected, photo pixels
    crop: tuple[int, int, int, int]  # the padded region that was structured (and is read), photo pixels
    score: float
    grid: Grid  # photo pixels

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape


def padded(box: Box, size: tuple[int, int], padding: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    return (
        max(0, int(x1) - padding),
        max(0, int(y1) - padding),
        min(size[0], int(round(x2)) + padding),
        min(size[1], int(round(y2)) + padding),
    )


class TableRecognizer:
    """Both models, loaded once. One image at a time (a lock); `find_tables_async` keeps the event loop free."""

    def __init__(
        self,
        models: TableModels,
        *,
        threshold: float = THRESHOLD,
        padding: int = CROP_PADDING,
        adjust: AdjustDetections | None = None,
    ) -> None:
        self.models = models
        self.threshold = threshold
        self.padding = padding
        self.adjust = adjust
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tables")

    @property
    def device(self) -> str:
        return self.models.device

    def find_tables(self, image: Image.Image) -> list[FoundTable]:
        """Tables in reading order (top to bottom, then left to right), each with a non-empty grid."""
        image = image.convert("RGB")
        with self._lock:
            tables = [d for d in self._pass("detection", image, DETECTION_LONGEST) if d.label == "table"]
            tables.sort(key=lambda d: (round(d.box[1] / 40), d.box[0]))
            found = [self._structure(image, table) for table in tables[:MAX_TABLES]]
        return [table for table in found if not table.grid.empty]

    async def find_tables_async(self, image: Image.Image) -> list[FoundTable]:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.find_tables, image)

    def _structure(self, image: Image.Image, table: Detection) -> FoundTable:
        crop = padded(table.box, image.size, self.padding)
        structure = self._pass("structure", image.crop(crop), STRUCTURE_LONGEST)
        grid = build_grid(structure).shifted(crop[0], crop[1])
        return FoundTable(box=table.box, crop=crop, score=table.score, grid=grid)

    def _pass(self, stage: str, image: Image.Image, longest: int) -> list[Detection]:
        model = self.models.detection if stage == "detection" else self.models.structure
        found = detect(model, image, longest=longest, threshold=self.threshold, device=self.models.device)
        if self.adjust is not None:
            found = self.adjust(stage, found, fitted_size(image.size, longest))
        return found
