import io

import pytest
from PIL import Image

from core.jpeg_segments import strip_jpeg_metadata
from tests.core.crafted_images import camera_exif, encoded
from tests.images import jpeg_bytes, photo

COMMENT = b"\xff\xfe\x00\x0csecret-ish"  # a COM segment: marker, length 12 (itself and ten bytes of text)


def markers(data: bytes) -> list[int]:
    """The markers of the segments before the first scan, in order."""
    found, pos = [], 2
    while data[pos + 1] != 0xDA:
        found.append(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return found


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_it_removes_exif_icc_xmp_and_comments_and_keeps_every_pixel():
    sent = encoded(
        photo(320, 240), "JPEG", quality=85, exif=camera_exif(), icc_profile=b"\0" * 600, xmp=b"<x:xmpmeta/>"
    )
    sent = sent[:2] + COMMENT + sent[2:]

    stripped = strip_jpeg_metadata(sent)

    assert stripped is not None
    assert not [m for m in markers(stripped) if 0xE0 <= m <= 0xEF or m == 0xFE]
    assert b"Fieldcam" not in stripped and b"secret" not in stripped and b"xmpmeta" not in stripped
    assert pixels(stripped) == pixels(sent)


def test_it_keeps_adobes_colour_transform_marker():
    sent = encoded(Image.new("CMYK", (64, 48), (10, 200, 30, 0)), "JPEG")  # libjpeg writes APP14 "Adobe" here

    stripped = strip_jpeg_metadata(sent)

    assert stripped is not None and 0xEE in markers(stripped)
    assert pixels(stripped) == pixels(sent)


def test_it_drops_whatever_follows_the_first_image():
    sent = jpeg_bytes(64, 48)

    assert strip_jpeg_metadata(sent + b"PK\x03\x04 an appended archive") == strip_jpeg_metadata(sent)


@pytest.mark.parametrize(
    "params",
    [{"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}, {"optimize": True}],
    ids=["progressive", "restart markers", "4:4:4", "optimised Huffman tables"],
)
def test_it_walks_every_scan_layout(params):
    sent = encoded(photo(200, 150), "JPEG", quality=80, **params)

    stripped = strip_jpeg_metadata(sent)

    assert stripped is not None and pixels(stripped) == pixels(sent)


def test_it_skips_fill_bytes_before_a_marker():
    sent = jpeg_bytes(64, 48)
    padded = sent[:2] + b"\xff\xff\xff" + sent[2:]

    assert strip_jpeg_metadata(padded) == strip_jpeg_metadata(sent)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8",
        b"\xff\xd8\xff\xe1\x00",
        b"\xff\xd8\xff\xe1\xff\xff short",
        b"\xff\xd8\xff\xe1\x00\x01",
        b"\xff\xd8\xff\xd8",
        b"\xff\xd8\xff\xd0",
        b"\xff\xd8 not a marker",
    ],
    ids=["empty", "png", "no segments", "cut length", "overlong", "length under 2", "second SOI", "stray RST", "junk"],
)
def test_it_declines_what_is_not_a_plain_jpeg(data):
    assert strip_jpeg_metadata(data) is None


def test_it_declines_a_jpeg_cut_off_in_its_scan():
    sent = jpeg_bytes(200, 150)

    assert strip_jpeg_metadata(sent[: len(sent) // 2]) is None
    assert strip_jpeg_metadata(sent[:-2]) is None  # the end marker itself missing
