import io
from functools import cache

import pytest
from PIL import Image

from core.intake import resize_for_budget
from inference.pixel_budget import image_tokens
from tests.core.crafted_images import encoded, halves
from tests.images import jpeg_bytes, png_bytes


@cache
def stored_jpeg(width: int, height: int) -> bytes:
    """A plain gradient is enough for geometry, and quick to make at 12 megapixels."""
    return encoded(Image.linear_gradient("L").resize((width, height)).convert("RGB"), "JPEG", quality=90)


@pytest.mark.parametrize("size", [(1920, 1080), (4032, 3024), (3024, 4032), (1000, 1000), (3000, 400)])
@pytest.mark.parametrize("budget", [256, 512, 1280])
def test_it_makes_sides_multiples_of_32_within_the_budget(size: tuple[int, int], budget: int):
    data, width, height = resize_for_budget(data=stored_jpeg(*size), max_tokens=budget)

    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (width, height)
    assert width % 32 == 0 and height % 32 == 0
    assert (width // 32) * (height // 32) == image_tokens(width, height) <= budget


@pytest.mark.parametrize("size", [(1920, 1080), (4032, 3024), (3000, 400)])
def test_it_scales_both_sides_alike_give_or_take_one_token_cell(size: tuple[int, int]):
    _, width, height = resize_for_budget(data=stored_jpeg(*size), max_tokens=1280)

    assert abs(width / size[0] - height / size[1]) < 32 / min(size)


def test_it_keeps_what_is_where_after_reduced_size_decoding():
    data, width, height = resize_for_budget(
        data=encoded(halves(4000, 3000, (230, 30, 30), (30, 30, 230)), "JPEG"), max_tokens=256
    )

    image = Image.open(io.BytesIO(data))
    red, blue = image.getpixel((width // 4, height // 2)), image.getpixel((3 * width // 4, height // 2))
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_it_does_not_enlarge_a_photo_already_within_budget():
    _, width, height = resize_for_budget(data=jpeg_bytes(200, 150), max_tokens=1280)

    assert (width, height) == (192, 128)


def test_it_returns_a_stored_jpeg_already_at_budget_untouched():
    data = jpeg_bytes(640, 480)

    assert resize_for_budget(data=data, max_tokens=300) == (data, 640, 480)


def test_it_resizes_a_stored_png_to_a_jpeg():
    data, width, height = resize_for_budget(data=png_bytes(1200, 900), max_tokens=256)

    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert width * height <= 256 * 32 * 32


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_it_resizes_grey_and_cmyk_jpegs_to_rgb(mode: str):
    """libjpeg-turbo gives greyscale as RGB; CMYK it cannot, and goes through Pillow instead."""
    source = halves(1600, 1200, (230, 30, 30), (30, 30, 230)).convert(mode)
    data, width, height = resize_for_budget(data=encoded(source, "JPEG"), max_tokens=256)

    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (width, height) and width * height <= 256 * 32 * 32
    left, right = image.getpixel((width // 4, height // 2)), image.getpixel((3 * width // 4, height // 2))
    assert left != right, "what is where survives the conversion"
