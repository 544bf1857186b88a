import io

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from core.intake import prepare_upload
from tests.core.crafted_images import camera_jpeg, halves
from tests.images import photo

RED, BLUE = (220, 20, 20), (20, 20, 220)


def upload(data: bytes):
    return prepare_upload(filename="gauge.jpg", data=data, max_bytes=10_000_000, max_pixels=20_000_000)


def close_to(actual: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= 12 for a, e in zip(actual, expected, strict=True))


def test_it_turns_an_exif_rotated_photo_upright():
    # Stored landscape, red on the left; orientation 6 means "turn 90 degrees clockwise to view",
    # so upright it is portrait with red on top.
    prepared = upload(camera_jpeg(orientation=6, image=halves(80, 40, RED, BLUE)))

    upright = Image.open(io.BytesIO(prepared.data))
    assert (prepared.width, prepared.height) == upright.size == (40, 80)
    assert close_to(upright.getpixel((20, 10)), RED)
    assert close_to(upright.getpixel((20, 70)), BLUE)


def test_it_reports_the_orientation_it_applied():
    prepared = upload(camera_jpeg(orientation=6, image=halves(80, 40, RED, BLUE)))

    assert prepared.exif["orientation"] == 6
    assert (prepared.exif["width"], prepared.exif["height"]) == (80, 40)


def test_it_mirrors_a_photo_with_orientation_2():
    prepared = upload(camera_jpeg(orientation=2, image=halves(80, 40, RED, BLUE)))

    upright = Image.open(io.BytesIO(prepared.data))
    assert close_to(upright.getpixel((10, 20)), BLUE)
    assert close_to(upright.getpixel((70, 20)), RED)


def test_it_leaves_an_upright_photo_as_it_is():
    prepared = upload(camera_jpeg(orientation=1, image=photo(120, 90)))

    assert (prepared.width, prepared.height) == (120, 90)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_it_applies_every_exif_orientation_as_a_viewer_would(orientation: int):
    original = camera_jpeg(orientation=orientation, image=photo(96, 64))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(original))).convert("L")

    prepared = upload(original)

    stored = Image.open(io.BytesIO(prepared.data)).convert("L")
    assert stored.size == expected.size
    difference = ImageChops.difference(stored, expected)
    assert ImageStat.Stat(difference).mean[0] < 3
