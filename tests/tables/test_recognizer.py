"""TableTransformer (random weights, real forward passes) with known boxes injected after each pass."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from inference.tables.recognizer import CROP_PADDING, DETECTION_LONGEST, STRUCTURE_LONGEST
from tests.tables.table_photos import COLUMNS, ROWS, TABLE_BOX, InjectedBoxes, random_recognizer, table_photo_bytes


@pytest.fixture(scope="module")
def found_and_calls():
    boxes = InjectedBoxes()
    photo = Image.open(io.BytesIO(table_photo_bytes()))
    return random_recognizer(boxes).find_tables(photo), boxes.calls


def test_the_detection_pass_sees_the_photo_at_800_and_the_structure_pass_the_crop_at_1000(found_and_calls):
    _, calls = found_and_calls
    stages = {stage: size for stage, size, _ in calls}
    assert max(stages["detection"]) == DETECTION_LONGEST
    assert max(stages["structure"]) == STRUCTURE_LONGEST


def test_the_crop_is_the_table_with_padding(found_and_calls):
    (table,), _ = found_and_calls
    x1, y1, x2, y2 = TABLE_BOX
    assert table.crop == (x1 - CROP_PADDING, y1 - CROP_PADDING, x2 + CROP_PADDING, y2 + CROP_PADDING)


def test_the_grid_matches_the_structure_found_and_is_in_photo_pixels(found_and_calls):
    (table,), _ = found_and_calls
    assert table.shape == (ROWS, COLUMNS) and table.grid.header_rows == 1
    first = table.grid.cell(0, 0)
    assert first[0] == pytest.approx(TABLE_BOX[0], abs=1) and first[1] == pytest.approx(TABLE_BOX[1], abs=1)


def test_a_photo_without_a_table_yields_nothing():
    def nothing(stage, found, size):
        return []

    photo = Image.new("RGB", (640, 480), "white")
    recognizer = random_recognizer()
    recognizer.adjust = nothing
    assert recognizer.find_tables(photo) == []
