"""A corpus of hostile and broken uploads, made by the tests themselves: nothing is downloaded or committed.

Each entry says what the intake must do with it: refuse it with a reason (`refused`), or accept it as the picture
it really is, normalised and stripped (`accepted`). Nothing may ever cause a server error.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

from tests.core.crafted_images import camera_jpeg, encoded, png_16bit_rgb, png_claiming_size
from tests.images import jpeg_bytes, photo

REFUSED = "refused"
ACCEPTED = "accepted"


@dataclass(frozen=True)
class Hostile:
    name: str  # what the case is, for test ids and reports
    filename: str  # the name it is uploaded under
    data: bytes
    outcome: str  # REFUSED or ACCEPTED
    code: str = ""  # the intake's refusal code, when it must be one in particular


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) claims another size."""
    data = bytearray(jpeg_bytes(64, 48, seed=1))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_without_scan() -> bytes:
    """Headers and tables, then nothing: the start-of-scan marker and all pixel data are gone."""
    data = jpeg_bytes(64, 48, seed=2)
    return data[: data.index(b"\xff\xda")] + b"\xff\xd9"


def jpeg_with_garbage_huffman() -> bytes:
    """Every Huffman table overwritten with noise: the decoder cannot read one pixel."""
    data = bytearray(jpeg_bytes(128, 96, seed=3))
    start = 0
    while (at := data.find(b"\xff\xc4", start)) != -1:
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        data[at + 4 : at + 2 + length] = bytes((i * 37 + 11) % 256 for i in range(length - 2))
        start = at + 2 + length
    return bytes(data)


def jpeg_with_exif(payload: bytes) -> bytes:
    """A real JPEG whose APP1 segment is replaced by the given EXIF payload (after 'Exif\\0\\0')."""
    plain = jpeg_bytes(160, 120, seed=4)
    return plain[:2] + _segment(0xFFE1, b"Exif\x00\x00" + payload[:65000]) + plain[2:]


def _tiff_ifd(entries: list[tuple[int, int, int, bytes]], next_ifd: int = 0) -> bytes:
    body = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")[:4]
    return body + struct.pack("<I", next_ifd)


def exif_huge_comment() -> bytes:
    """An EXIF UserComment of 60 KB (the most a JPEG segment holds), pointing where it should."""
    comment = b"ASCII\0\0\0" + b"A" * 60000
    ifd0 = _tiff_ifd([(0x8769, 4, 1, struct.pack("<I", 26))])
    exif_ifd = _tiff_ifd([(0x9286, 7, len(comment), struct.pack("<I", 44))])
    return jpeg_with_exif(b"II*\0" + struct.pack("<I", 8) + ifd0 + exif_ifd + comment)


def exif_entry_count_lies() -> bytes:
    """An IFD claiming 65535 entries where there are none."""
    return jpeg_with_exif(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 0xFFFF) + b"\0" * 16)


def exif_offsets_out_of_bounds() -> bytes:
    """Tags whose values point far past the end of the segment, and a next-IFD pointer into nowhere."""
    entries = [(0x010F, 2, 5000, struct.pack("<I", 0x7FFFFFF0)), (0x0112, 3, 1, struct.pack("<H", 999))]
    return jpeg_with_exif(b"II*\0" + struct.pack("<I", 8) + _tiff_ifd(entries, next_ifd=0xFFFFFF00))


def exif_ifd_loop() -> bytes:
    """IFD0 whose EXIF sub-IFD pointer points back at IFD0: a reader that follows it never ends."""
    return jpeg_with_exif(b"II*\0" + struct.pack("<I", 8) + _tiff_ifd([(0x8769, 4, 1, struct.pack("<I", 8))], 8))


def exif_not_tiff() -> bytes:
    return jpeg_with_exif(b"this is not a TIFF header at all" * 40)


def png_with_bad_crc() -> bytes:
    """The header chunk's checksum does not match its contents."""
    data = bytearray(encoded(photo(96, 64, seed=5), "PNG"))
    data[8 + 8 + 13] ^= 0xFF  # the first byte of IHDR's CRC
    return bytes(data)


def png_with_garbage_zlib() -> bytes:
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"\x78\x9c" + b"\xde\xad\xbe\xef" * 64)
        + _png_chunk(b"IEND", b"")
    )


def png_bomb(side: int = 20000) -> bytes:
    """A real, fully valid greyscale PNG of side x side black pixels: a few hundred KB that unpack to 400 MB."""
    compressor, block, left = zlib.compressobj(9), bytes(1 << 22), side * (side + 1)
    chunks = []
    while left > 0:
        chunks.append(compressor.compress(block[: min(left, len(block))]))
        left -= len(block)
    idat = b"".join(chunks) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def webp_claiming_size(width: int, height: int) -> bytes:
    """A lossless WebP whose bitstream header claims another size (14-bit fields, up to 16384)."""
    data = bytearray(encoded(photo(32, 32, seed=6), "WEBP", lossless=True))
    vp8l = data.index(b"VP8L")
    bits = (width - 1) | ((height - 1) << 14) | (data[vp8l + 12] >> 4 & 0x1) << 28
    data[vp8l + 9 : vp8l + 13] = struct.pack("<I", bits | (data[vp8l + 12] & 0xE0) << 24)
    return bytes(data)


def gif_claiming_size(width: int, height: int) -> bytes:
    data = bytearray(encoded(photo(16, 16).convert("P"), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def animated(format: str, **params: object) -> bytes:
    frames = [photo(64, 48, seed=seed) for seed in range(4)]
    if format == "GIF":
        frames = [f.convert("P") for f in frames]
    return encoded(frames[0], format, save_all=True, append_images=frames[1:], duration=80, loop=0, **params)


def cmyk_jpeg() -> bytes:
    return encoded(photo(120, 90, seed=7).convert("CMYK"), "JPEG", quality=85)


def deep_png() -> bytes:
    return png_16bit_rgb([[(x * 4000 % 65536, y * 9000 % 65536, 30000) for x in range(16)] for y in range(12)])


SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="window.__pwned=1">
  <script>alert(document.cookie)</script><rect width="100" height="100" fill="red"/>
</svg>"""
HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script><img src=x onerror=alert(2)></body></html>"
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);//" + b"\x00" * 32 + b";"


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG with an HTML page in its comment segment and a zip archive appended after its end."""
    plain = jpeg_bytes(160, 120, seed=8)
    comment = _segment(0xFFFE, HTML_PAGE)
    return plain[:2] + comment + plain[2:] + b"PK\x03\x04" + b"<?php system($_GET['c']); ?>" * 8


@functools.cache
def corpus() -> tuple[Hostile, ...]:
    whole_jpeg, whole_png = jpeg_bytes(400, 300, seed=9), encoded(photo(200, 150, seed=9), "PNG")
    whole_webp = encoded(photo(200, 150, seed=9), "WEBP", quality=80)
    return (
        Hostile("zero bytes", "empty.jpg", b"", REFUSED, "empty"),
        Hostile("truncated jpeg", "cut.jpg", whole_jpeg[: len(whole_jpeg) // 2], REFUSED, "damaged"),
        Hostile("jpeg header only", "header.jpg", whole_jpeg[:600], REFUSED, "damaged"),
        Hostile("jpeg without scan data", "noscan.jpg", jpeg_without_scan(), REFUSED, "damaged"),
        Hostile("jpeg with noise huffman tables", "huff.jpg", jpeg_with_garbage_huffman(), REFUSED),
        Hostile("truncated png", "cut.png", whole_png[: len(whole_png) // 2], REFUSED, "damaged"),
        Hostile("png with a bad crc", "crc.png", png_with_bad_crc(), REFUSED, "damaged"),
        Hostile("png with garbage zlib", "zlib.png", png_with_garbage_zlib(), REFUSED, "damaged"),
        Hostile("truncated webp", "cut.webp", whole_webp[: len(whole_webp) // 2], REFUSED),
        Hostile("webp with garbage bitstream", "noise.webp", whole_webp[:30] + b"\x55" * 800, REFUSED),
        Hostile("png bomb 20000x20000", "bomb.png", png_bomb(), REFUSED, "too_many_pixels"),
        Hostile("png header 30000x30000", "huge.png", png_claiming_size(30000, 30000), REFUSED, "too_many_pixels"),
        Hostile("jpeg header 30000x30000", "huge.jpg", jpeg_claiming_size(30000, 30000), REFUSED, "too_many_pixels"),
        Hostile("webp header 16384x16384", "huge.webp", webp_claiming_size(16384, 16384), REFUSED, "too_many_pixels"),
        Hostile("gif header 30000x30000", "huge.gif", gif_claiming_size(30000, 30000), REFUSED),
        Hostile("animated gif", "clip.gif", animated("GIF"), REFUSED),
        Hostile("animated webp", "clip.webp", animated("WEBP"), REFUSED, "animated"),
        Hostile("animated png", "clip.png", animated("PNG"), REFUSED, "animated"),
        Hostile("svg with script", "logo.svg", SVG_WITH_SCRIPT, REFUSED, "not_an_image"),
        Hostile("svg with script named jpg", "logo.jpg", SVG_WITH_SCRIPT, REFUSED, "not_an_image"),
        Hostile("html named jpg", "page.jpg", HTML_PAGE, REFUSED, "not_an_image"),
        Hostile("gif/javascript polyglot named jpg", "poly.jpg", GIF_JS_POLYGLOT, REFUSED),
        Hostile("pdf named png", "doc.png", b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n%%EOF", REFUSED),
        Hostile("elf binary named jpg", "run.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 200, REFUSED, "not_an_image"),
        Hostile("bmp", "scan.bmp", encoded(photo(64, 48), "BMP"), REFUSED, "unsupported_format"),
        Hostile("tiff", "scan.tif", encoded(photo(64, 48), "TIFF"), REFUSED, "unsupported_format"),
        Hostile("over the byte limit", "big.jpg", whole_jpeg + b"\0" * (26 * 1024 * 1024), REFUSED),
        Hostile("cmyk jpeg", "print.jpg", cmyk_jpeg(), ACCEPTED),
        Hostile("16-bit png", "deep.png", deep_png(), ACCEPTED),
        Hostile("exif with a 60 KB comment", "comment.jpg", exif_huge_comment(), ACCEPTED),
        Hostile("exif claiming 65535 entries", "count.jpg", exif_entry_count_lies(), ACCEPTED),
        Hostile("exif offsets out of bounds", "offsets.jpg", exif_offsets_out_of_bounds(), ACCEPTED),
        Hostile("exif ifd pointing at itself", "loop.jpg", exif_ifd_loop(), ACCEPTED),
        Hostile("exif that is not tiff", "nottiff.jpg", exif_not_tiff(), ACCEPTED),
        Hostile("jpeg with html comment and zip tail", "poly2.jpg", jpeg_html_polyglot(), ACCEPTED),
        Hostile("camera jpeg with gps", "../../etc/passwd<script>.jpg", camera_jpeg(), ACCEPTED),
    )


def decoded_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
