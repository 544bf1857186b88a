import pytest
from PIL import ImageFile

from core.intake import ImageRejected, prepare_upload
from tests.images import jpeg_bytes, png_bytes

LIMITS = {"max_bytes": 10_000_000, "max_pixels": 20_000_000}


def refusal(filename: str, data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare_upload(filename=filename, data=data, **LIMITS)
    return caught.value


def test_it_refuses_a_jpeg_cut_off_half_way():
    whole = jpeg_bytes(640, 480)

    error = refusal("cut.jpg", whole[: len(whole) // 2])

    assert error.code == "damaged"
    assert '"cut.jpg" is damaged or incomplete' in error.reason


def test_it_refuses_a_png_cut_off_half_way():
    whole = png_bytes(320, 240)

    assert refusal("cut.png", whole[: len(whole) // 2]).code == "damaged"


def test_it_refuses_a_jpeg_with_its_header_only():
    assert refusal("header.jpg", jpeg_bytes(640, 480)[:700]).code == "damaged"


def test_it_refuses_to_run_if_truncated_images_were_allowed_globally(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        prepare_upload(filename="ok.jpg", data=jpeg_bytes(64, 48), **LIMITS)


def test_it_refuses_a_whole_jpeg_whose_huffman_table_is_bogus():
    # Every segment in place (so its metadata strips cleanly) but a table libjpeg cannot build: the stripped
    # file fails to decode, and the full route judges the original.
    data = bytearray(jpeg_bytes(640, 480))
    table = data.index(b"\xff\xc4")
    data[table + 5 : table + 21] = b"\xff" * 16  # code counts per length summing past 256

    error = refusal("tables.jpg", bytes(data))

    assert error.code == "damaged"
