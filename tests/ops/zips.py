"""Zip archives made in the tests, honest and hostile."""

from __future__ import annotations

import io
import struct
import zipfile


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def lying_zip(name: str, real: bytes, declared_size: int) -> bytes:
    """An archive whose headers claim `declared_size` bytes for a member that really unpacks to len(real)."""
    data = bytearray(zip_bytes({name: real}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = data.find(signature)
        struct.pack_into("<I", data, at + offset, declared_size)
    return bytes(data)
