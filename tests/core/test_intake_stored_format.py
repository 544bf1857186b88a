import io

from PIL import Image, ImageCms

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


def test_it_keeps_an_upright_baseline_jpeg_as_its_own_compressed_pixels():
    original = jpeg_bytes(640, 480)

    prepared = upload(original, "photo.jpg")

    stored, sent = Image.open(io.BytesIO(prepared.data)), Image.open(io.BytesIO(original))
    assert stored.quantization == sent.quantization  # not re-encoded: no second generation of loss
    assert stored.tobytes() == sent.tobytes()
    assert len(prepared.data) < len(original)  # its JFIF header went with the rest of the metadata


def test_it_re_encodes_a_progressive_jpeg_as_baseline_near_quality_90():
    prepared = upload(encoded(photo(640, 480), "JPEG", quality=70, progressive=True), "photo.jpg")

    stored = Image.open(io.BytesIO(prepared.data))
    reference = Image.open(io.BytesIO(encoded(photo(8, 8), "JPEG", quality=PHOTO_QUALITY)))
    assert not stored.info.get("progressive")
    assert stored.quantization[0] == reference.quantization[0]


def test_it_re_encodes_a_jpeg_with_a_foreign_colour_profile():
    lab_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    sent = encoded(photo(64, 48), "JPEG", quality=70, icc_profile=lab_profile)

    stored = Image.open(io.BytesIO(upload(sent, "photo.jpg").data))

    assert "icc_profile" not in stored.info
    assert stored.quantization[0] != Image.open(io.BytesIO(sent)).quantization[0]


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
