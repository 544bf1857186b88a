import pytest

from core.intake import ImageRejected, prepare_upload
from tests.core.crafted_images import encoded
from tests.images import jpeg_bytes, photo

LIMITS = {"max_bytes": 2_000_000, "max_pixels": 20_000_000}


def refusal(filename: str, data: bytes, **limits: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare_upload(filename=filename, data=data, **(LIMITS | limits))
    assert caught.value.filename == filename
    assert f'"{filename}"' in caught.value.reason
    return caught.value


def test_it_refuses_an_empty_file():
    error = refusal("empty.jpg", b"")

    assert error.code == "empty"
    assert "empty (0 bytes)" in error.reason


def test_it_refuses_a_file_over_the_size_limit():
    data = jpeg_bytes(400, 300)

    error = refusal("big.jpg", data, max_bytes=len(data) - 1)

    assert error.code == "too_large"
    assert "the largest photo accepted is" in error.reason


def test_it_rejects_a_text_file_named_jpg():
    error = refusal("notes.jpg", b"Meter reading 42.7 bar, valve B closed.\n" * 20)

    assert error.code == "not_an_image"
    assert "is not an image" in error.reason


def test_it_rejects_an_html_page_named_jpg():
    error = refusal("photo.jpg", b"<!DOCTYPE html><html><body><img src='x.jpg'></body></html>")

    assert error.code == "not_an_image"


def test_it_refuses_a_gif_listing_the_formats_it_accepts():
    error = refusal("funny.jpg", encoded(photo(64, 48).convert("P"), "GIF"))

    assert error.code == "unsupported_format"
    assert "is a GIF image" in error.reason
    assert "JPEG, PNG, WebP" in error.reason


def test_it_refuses_an_animated_webp():
    frames = [photo(64, 48, seed=seed) for seed in range(3)]
    animated = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)

    error = refusal("clip.webp", animated)

    assert error.code == "animated"
    assert "animated (3 frames)" in error.reason


def test_it_gives_each_cause_its_own_message():
    causes = [
        refusal("a.jpg", b""),
        refusal("a.jpg", jpeg_bytes(64, 48), max_bytes=10),
        refusal("a.jpg", b"plain text"),
        refusal("a.jpg", encoded(photo(64, 48), "BMP")),
        refusal("a.jpg", jpeg_bytes(400, 300)[:3000]),
        refusal("a.jpg", jpeg_bytes(400, 300), max_pixels=1000),
    ]

    assert len({error.code for error in causes}) == len({error.reason for error in causes}) == len(causes)


def test_it_names_only_the_file_not_the_folder_it_came_from():
    with pytest.raises(ImageRejected) as caught:
        prepare_upload(filename="C:\\Users\\ana\\Desktop\\empty.jpg", data=b"", **LIMITS)

    assert caught.value.filename == "empty.jpg"
    assert "Users" not in caught.value.reason
