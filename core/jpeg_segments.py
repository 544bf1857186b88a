"""A JPEG without its metadata, losslessly: the same compressed pixels, none of the APPn or comment segments.

What `jpegtran -copy none` does, for the common upload that needs no pixel change (upright, sRGB, baseline),
so intake neither re-encodes (a generation of loss and most of its CPU) nor keeps EXIF, GPS, XMP, IPTC, ICC or
embedded previews. Anything after the first image's end marker (an MPO's other frames, appended files) goes too.
The one APPn kept is Adobe's APP14: it says whether the three channels are YCbCr or RGB, so it is pixel data.
"""

from __future__ import annotations

import re

_SOI, _EOI, _SOS, _COM, _APP14 = 0xD8, 0xD9, 0xDA, 0xFE, 0xEE
# Markers that stand alone (no length field): TEM and the restart markers, which belong inside scans only.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# In entropy-coded data 0xFF is always followed by a stuffed 0x00 or a restart marker; anything else ends the scan.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The JPEG with every metadata segment removed, or None where its structure is not the plain one expected
    (the caller then re-encodes from decoded pixels instead)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    kept, pos, size = [b"\xff\xd8"], 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes may pad any marker
            pos += 1
        if pos + 1 > size:
            return None
        marker, pos = data[pos], pos + 1
        if marker == _EOI:
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if marker == _SOI or marker in _STANDALONE or pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > size:
            return None
        payload, pos = data[pos + 2 : pos + length], pos + length
        if _is_pixel_data(marker, payload):
            kept += (bytes((0xFF, marker)), length.to_bytes(2, "big"), payload)
        if marker == _SOS:
            end = _SCAN_END.search(data, pos)
            if end is None:
                return None
            kept.append(data[pos : end.start()])
            pos = end.start()
    return None  # no end marker: truncated


def _is_pixel_data(marker: int, payload: bytes) -> bool:
    if marker == _APP14:
        return payload.startswith(b"Adobe")
    return not (0xE0 <= marker <= 0xEF or marker == _COM)
