"""Table side model: TableTransformer finds tables and their grid (rows x columns); the VLM reads the text.

No Django here. `TableRecognizer` wraps the two DETR models (detection, then structure recognition) and returns
`FoundTable`s whose grid the reading step fills with exactly `rows x columns` strings (`grid_schema`).
"""

from inference.tables.architecture import DETECTION_LABELS, STRUCTURE_LABELS, random_table_models
from inference.tables.detect import Detection
from inference.tables.grid import Grid, build_grid
from inference.tables.loading import TableModels, TableModelsUnavailable, load_table_models
from inference.tables.reading import grid_schema, table_read_prompt
from inference.tables.recognizer import FoundTable, TableRecognizer

__all__ = [
    "DETECTION_LABELS",
    "STRUCTURE_LABELS",
    "Detection",
    "FoundTable",
    "Grid",
    "TableModels",
    "TableModelsUnavailable",
    "TableRecognizer",
    "build_grid",
    "grid_schema",
    "load_table_models",
    "random_table_models",
    "table_read_prompt",
]
