import pytest
from PIL import Image

from core.intake import ImageRejected, prepare_upload
from tests.core.crafted_images import encoded, png_claiming_size


def refusal(data: bytes, *, max_pixels: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare_upload(filename="bomb.png", data=data, max_bytes=10_000_000, max_pixels=max_pixels)
    return caught.value


def test_it_refuses_a_header_claiming_too_many_pixels_before_decoding():
    # The file holds one pixel of data: had it been decoded first, it would read as damaged instead.
    error = refusal(png_claiming_size(9_000, 8_000), max_pixels=50_000_000)

    assert error.code == "too_many_pixels"
    assert "9000 x 8000 pixels" in error.reason
    assert "50 megapixels" in error.reason


def test_it_refuses_what_pillow_would_only_warn_about_even_under_a_higher_limit():
    with pytest.warns(Image.DecompressionBombWarning):
        error = refusal(png_claiming_size(12_000, 10_000), max_pixels=10**12)

    assert error.code == "too_many_pixels"
    assert "89.5 megapixels" in error.reason


def test_it_refuses_what_pillow_calls_a_decompression_bomb():
    error = refusal(png_claiming_size(100_000, 100_000), max_pixels=10**12)

    assert error.code == "too_many_pixels"


def test_it_refuses_a_small_file_that_would_decode_to_a_huge_image():
    compressible = encoded(Image.new("L", (6000, 5000), 0), "PNG")
    assert len(compressible) < 100_000

    error = refusal(compressible, max_pixels=24_000_000)

    assert error.code == "too_many_pixels"
    assert "6000 x 5000 pixels" in error.reason


def test_it_accepts_an_image_exactly_at_the_limit():
    prepared = prepare_upload(
        filename="edge.png", data=encoded(Image.new("RGB", (100, 50)), "PNG"), max_bytes=10_000, max_pixels=5000
    )

    assert (prepared.width, prepared.height) == (100, 50)
