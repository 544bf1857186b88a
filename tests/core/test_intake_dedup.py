import hashlib

from core.intake import prepare_upload
from tests.core.crafted_images import camera_jpeg, encoded
from tests.images import jpeg_bytes, photo


def upload(data: bytes, filename: str = "meter.jpg"):
    return prepare_upload(filename=filename, data=data, max_bytes=10_000_000, max_pixels=20_000_000)


def test_it_gives_the_same_photo_uploaded_twice_the_same_sha256():
    data = jpeg_bytes(640, 480, seed=3)

    first, second = upload(data), upload(data, "meter (1).jpg")

    assert first.sha256 == second.sha256
    assert first.data == second.data


def test_it_gives_the_same_pixels_with_other_metadata_the_same_sha256():
    picture = photo(320, 240, seed=4)
    with_gps = camera_jpeg(image=picture, with_gps=True)
    without_metadata = encoded(picture, "JPEG", quality=90)
    assert with_gps != without_metadata

    assert upload(with_gps).sha256 == upload(without_metadata).sha256


def test_it_hashes_exactly_the_bytes_it_stores():
    prepared = upload(jpeg_bytes(320, 240))

    assert prepared.sha256 == hashlib.sha256(prepared.data).hexdigest()


def test_it_gives_different_photos_different_hashes():
    assert upload(jpeg_bytes(320, 240, seed=1)).sha256 != upload(jpeg_bytes(320, 240, seed=2)).sha256
