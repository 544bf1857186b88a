import io

import pytest
from PIL import Image

from core.intake import HEIF_SUPPORTED, prepare_upload
from tests.core.crafted_images import camera_exif
from tests.images import photo


def heic_bytes(image: Image.Image, **params: object) -> bytes:
    if not HEIF_SUPPORTED:
        pytest.skip("pillow-heif is not installed, so HEIC is refused")
    out = io.BytesIO()
    try:
        image.save(out, "HEIF", quality=90, **params)
    except (KeyError, OSError, RuntimeError, ValueError) as error:
        pytest.skip(f"this pillow-heif build cannot encode HEIC: {error}")
    return out.getvalue()


def test_it_accepts_a_heic_photo_as_jpeg():
    prepared = prepare_upload(
        filename="IMG_0042.HEIC", data=heic_bytes(photo(320, 240)), max_bytes=10_000_000, max_pixels=20_000_000
    )

    assert prepared.mime == "image/jpeg"
    assert (prepared.width, prepared.height) == (320, 240)
    assert prepared.exif["format"] == "HEIF"


def test_it_keeps_the_camera_facts_of_a_heic_but_not_its_location():
    data = heic_bytes(photo(320, 240), exif=camera_exif(with_gps=True).tobytes())

    prepared = prepare_upload(filename="IMG_0043.HEIC", data=data, max_bytes=10_000_000, max_pixels=20_000_000)

    assert prepared.exif["make"] == "Fieldcam"
    assert prepared.exif["had_gps"] is True
    assert b"Exif" not in prepared.data
