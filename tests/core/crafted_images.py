"""Image files crafted byte by byte for intake tests: metadata-laden photos, deep PNGs, lying headers."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from tests.images import photo

GPS_IFD = 0x8825


def encoded(image: Image.Image, format: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def halves(width: int, height: int, left: tuple[int, int, int], right: tuple[int, int, int]) -> Image.Image:
    """A picture whose left half is one colour and right half another: easy to check after rotation."""
    image = Image.new("RGB", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    return image


def camera_exif(*, orientation: int = 1, with_gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Fieldcam"  # Make
    exif[0x0110] = "FC-200"  # Model
    exif[0x0112] = orientation
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2024:05:17 14:03:22"  # DateTimeOriginal
    details[0x9011] = "+02:00"  # OffsetTimeOriginal
    details[0xA434] = "FC 4.2mm f/1.8"  # LensModel
    if with_gps:
        gps = exif.get_ifd(GPS_IFD)
        gps[1], gps[2] = "N", (52.0, 13.0, 37.5)  # latitude
        gps[3], gps[4] = "E", (21.0, 0.0, 42.25)  # longitude
    return exif


def camera_jpeg(*, orientation: int = 1, with_gps: bool = True, image: Image.Image | None = None) -> bytes:
    picture = image if image is not None else photo(400, 300)
    return encoded(picture, "JPEG", quality=90, exif=camera_exif(orientation=orientation, with_gps=with_gps))


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_claiming_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR (with a valid CRC) claims another size: a decompression-bomb header."""
    real = encoded(Image.new("RGB", (1, 1), "red"), "PNG")
    ihdr_end = 8 + 4 + 4 + 13 + 4
    header = struct.pack(">II", width, height) + real[8 + 8 + 8 : 8 + 8 + 13]
    return real[:8] + _chunk(b"IHDR", header) + real[ihdr_end:]


def png_16bit_rgb(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    """A 48-bit RGB PNG (Pillow cannot write one): rows of (r, g, b) values in 0-65535."""
    height, width = len(pixels), len(pixels[0])
    rows = b"".join(b"\x00" + b"".join(struct.pack(">HHH", *px) for px in row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def png_16bit_grey(values: list[int]) -> bytes:
    """A one-row 16-bit greyscale PNG."""
    image = Image.new("I;16", (len(values), 1))
    for x, value in enumerate(values):
        image.putpixel((x, 0), value)
    return encoded(image, "PNG")
