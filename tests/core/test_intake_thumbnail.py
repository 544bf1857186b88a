import io

from PIL import Image

from core.intake import THUMBNAIL_SIDE, prepare_upload
from tests.images import jpeg_bytes, png_bytes


def thumbnail_of(data: bytes) -> Image.Image:
    prepared = prepare_upload(filename="t.jpg", data=data, max_bytes=10_000_000, max_pixels=20_000_000)
    return Image.open(io.BytesIO(prepared.thumbnail))


def test_it_makes_a_jpeg_thumbnail_with_the_longest_side_320():
    thumbnail = thumbnail_of(jpeg_bytes(1600, 1200))

    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_SIDE, 240)


def test_it_keeps_a_portrait_thumbnail_portrait():
    assert thumbnail_of(jpeg_bytes(900, 1600)).size == (180, THUMBNAIL_SIDE)


def test_it_does_not_enlarge_a_small_image_for_its_thumbnail():
    thumbnail = thumbnail_of(png_bytes(120, 80))

    assert thumbnail.size == (120, 80)
    assert thumbnail.format == "JPEG"
