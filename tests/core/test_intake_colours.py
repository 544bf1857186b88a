import io

from PIL import Image

from core.intake import prepare_upload
from tests.core.crafted_images import encoded, png_16bit_grey, png_16bit_rgb

WHITE, RED = (255, 255, 255), (255, 0, 0)


def stored_pixels(data: bytes, filename: str) -> Image.Image:
    prepared = prepare_upload(filename=filename, data=data, max_bytes=10_000_000, max_pixels=20_000_000)
    image = Image.open(io.BytesIO(prepared.data))
    assert image.mode == "RGB"
    return image


def close_to(actual: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 10) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_it_converts_a_cmyk_jpeg_to_the_right_colours():
    cmyk = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red ink-wise
    cmyk.paste((0, 0, 0, 0), (32, 0, 64, 64))  # no ink: paper white

    image = stored_pixels(encoded(cmyk, "JPEG", quality=95), "print.jpg")

    assert close_to(image.getpixel((8, 32)), RED)
    assert close_to(image.getpixel((56, 32)), WHITE)


def test_it_puts_a_transparent_palette_png_on_white():
    palette = Image.new("P", (64, 64), 0)
    palette.putpalette([0, 0, 0] + [255, 0, 0] + [0, 0, 0] * 254)
    palette.paste(1, (0, 0, 32, 64))  # left half red, right half index 0 = transparent black

    image = stored_pixels(encoded(palette, "PNG", transparency=0), "logo.png")

    assert image.getpixel((8, 32)) == RED
    assert image.getpixel((56, 32)) == WHITE  # not the black hidden under the transparency


def test_it_blends_half_transparent_rgba_onto_white():
    rgba = Image.new("RGBA", (16, 16), (255, 0, 0, 128))

    image = stored_pixels(encoded(rgba, "PNG"), "overlay.png")

    assert close_to(image.getpixel((8, 8)), (255, 127, 127), tolerance=2)


def test_it_puts_a_transparent_greyscale_png_on_white():
    grey = Image.new("LA", (16, 16), (0, 0))

    image = stored_pixels(encoded(grey, "PNG"), "scan.png")

    assert image.getpixel((8, 8)) == WHITE


def test_it_keeps_the_mid_tones_of_a_16_bit_greyscale_png():
    image = stored_pixels(png_16bit_grey([0, 32896, 65535]), "xray.png")

    assert [image.getpixel((x, 0)) for x in range(3)] == [(0, 0, 0), (128, 128, 128), (255, 255, 255)]


def test_it_keeps_the_colours_of_a_16_bit_rgb_png():
    image = stored_pixels(png_16bit_rgb([[(65535, 0, 32896), (0, 65535, 0)]]), "deep.png")

    assert [image.getpixel((x, 0)) for x in range(2)] == [(255, 0, 128), (0, 255, 0)]


def test_it_turns_greyscale_and_black_and_white_into_rgb():
    grey = stored_pixels(encoded(Image.new("L", (16, 16), 90), "JPEG"), "grey.jpg")
    bilevel = stored_pixels(encoded(Image.new("1", (16, 16), 1), "PNG"), "bilevel.png")

    assert close_to(grey.getpixel((8, 8)), (90, 90, 90), tolerance=2)
    assert bilevel.getpixel((8, 8)) == WHITE
