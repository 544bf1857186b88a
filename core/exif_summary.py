"""A small JSON-able summary of an upload's metadata, read before intake drops all of it.

It never holds a location: GPS is reported only as `had_gps`, so the UI can say it was removed.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from typing import Any

from PIL import ExifTags, Image, ImageCms

_MAX_TEXT = 80
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")  # NUL is refused by PostgreSQL jsonb, the rest is noise
_EXIF_COLOUR_SPACES = {1: "sRGB", 2: "Adobe RGB", 0xFFFF: "uncalibrated"}
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")


def read_exif(image: Image.Image) -> Image.Exif:
    """The image's EXIF, or an empty one when it is missing or too broken to parse."""
    try:
        exif = image.getexif()
        exif.get_ifd(ExifTags.IFD.Exif)  # parse the sub-IFDs now, so a broken one fails here
        exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001 - malformed metadata is dropped anyway; it must not cost the user their photo
        return Image.Exif()
    return exif


def orientation_of(image: Image.Image, exif: Image.Exif) -> int:
    """The EXIF orientation (1-8) still to be applied to the decoded pixels; 1 means already upright."""
    if image.format == "HEIF":
        return 1  # the HEIF decoder applies the container's rotation itself and resets the tag
    value = exif.get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def summarise_metadata(image: Image.Image, exif: Image.Exif) -> dict[str, Any]:
    """Size, format, colour and camera facts of the upload as sent, before normalisation."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    orientation = image.info.get("original_orientation") or orientation_of(image, exif)
    return {
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "mode": image.mode,
        "colour_space": _colour_space(image, details),
        "dpi": _dpi(image),
        "make": _text(exif.get(ExifTags.Base.Make)),
        "model": _text(exif.get(ExifTags.Base.Model)),
        "lens": _text(details.get(ExifTags.Base.LensModel)),
        "taken_at": _taken_at(exif, details),
        "orientation": orientation,
        "had_gps": _had_gps(image, exif),
        "metadata_removed": _metadata_kinds(image, exif),
    }


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    cleaned = _CONTROL_CHARS.sub("", value).strip()
    return cleaned[:_MAX_TEXT] or None


def _colour_space(image: Image.Image, details: dict[int, Any]) -> str | None:
    if icc := image.info.get("icc_profile"):
        return icc_description(icc)
    return _EXIF_COLOUR_SPACES.get(details.get(ExifTags.Base.ColorSpace, 0))


def icc_description(icc: bytes) -> str | None:
    """The profile's own name ("Display P3", "sRGB IEC61966-2.1"), or None when it cannot be read."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return _text(ImageCms.getProfileDescription(profile)) or "embedded ICC profile"
    except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
        return None


def _dpi(image: Image.Image) -> list[float] | None:
    dpi = image.info.get("dpi")
    try:
        values = [round(float(v), 2) for v in dpi] if dpi else []
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return values if len(values) == 2 and all(math.isfinite(v) and v > 0 for v in values) else None


def _taken_at(exif: Image.Exif, details: dict[int, Any]) -> str | None:
    """ISO 8601 local time the photo was taken, with its UTC offset when the camera recorded one."""
    raw = _text(details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime))
    try:
        taken = datetime.strptime(raw or "", "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = _text(details.get(ExifTags.Base.OffsetTimeOriginal)) or ""
    return taken.isoformat() + (offset if re.fullmatch(r"[+-]\d\d:\d\d", offset) else "")


def _xmp(image: Image.Image) -> bytes:
    for key in _XMP_KEYS:
        if value := image.info.get(key):
            return value.encode() if isinstance(value, str) else bytes(value)
    return b""


def _had_gps(image: Image.Image, exif: Image.Exif) -> bool:
    return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or b"GPSLatitude" in _xmp(image)


def _metadata_kinds(image: Image.Image, exif: Image.Exif) -> list[str]:
    found = {
        "EXIF": len(exif) > 0 or bool(image.info.get("exif")),
        "GPS": _had_gps(image, exif),
        "XMP": bool(_xmp(image)),
        "ICC profile": bool(image.info.get("icc_profile")),
        "comment": bool(image.info.get("comment")),
    }
    return [kind for kind, present in found.items() if present]
