import io

from PIL import Image

from core.intake import PHOTO_QUALITY, prepare_upload
from tests.core.crafted_images import encoded
from tests.images import jpeg_bytes, photo


def upload(data: bytes, filename: str):
    return prepare_upload(filename=filename, data=data, max_bytes=10_000_000, max_pixels=20_000_000)


def test_it_stores_a_jpeg_photo_as_a_baseline_rgb_jpeg():
    prepared = upload(jpeg_bytes(640, 480), "photo.jpg")

    stored = Image.open(io.BytesIO(prepared.data))
    assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", (640, 480))
    assert not stored.info.get("progressive")
    assert (prepared.mime, prepared.extension) == ("image/jpeg", ".jpg")


def test_it_stores_jpegs_near_quality_90():
    prepared = upload(jpeg_bytes(640, 480), "photo.jpg")

    luma_table = Image.open(io.BytesIO(prepared.data)).quantization[0]
    reference = Image.open(io.BytesIO(encoded(photo(8, 8), "JPEG", quality=PHOTO_QUALITY))).quantization[0]
    assert luma_table == reference


def test_it_keeps_a_png_lossless():
    original = photo(200, 150)

    prepared = upload(encoded(original, "PNG"), "screenshot.png")

    stored = Image.open(io.BytesIO(prepared.data))
    assert (prepared.mime, prepared.extension, stored.format) == ("image/png", ".png", "PNG")
    assert stored.tobytes() == original.tobytes()


def test_it_stores_a_webp_as_jpeg():
    prepared = upload(encoded(photo(200, 150), "WEBP", quality=90), "photo.webp")

    assert prepared.mime == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_it_identifies_the_format_by_content_not_by_name():
    prepared = upload(encoded(photo(200, 150), "PNG"), "photo.jpg")

    assert prepared.exif["format"] == "PNG"
    assert prepared.mime == "image/png"
