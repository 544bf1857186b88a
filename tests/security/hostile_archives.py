"""Zip archives made to hurt a batch upload: bombs (plain, lying, overlapping), too many members, nesting, escaping
names, encryption, and things that only pretend to be zips. Made in memory by the tests."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from tests.images import jpeg_bytes


@dataclass(frozen=True)
class Archive:
    name: str
    data: bytes


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method, compresslevel=9) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def zeros_member(size: int) -> bytes:
    """A zip with one member of `size` zero bytes, compressed in pieces (never held whole in memory)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.jpg", "w", force_zip64=True) as member,
    ):
        block = bytes(1 << 20)
        for _ in range(size // len(block)):
            member.write(block)
    return out.getvalue()


def lying_sizes(real_size: int = 32 * 1024 * 1024, claimed: int = 1000) -> bytes:
    """A member whose headers claim `claimed` bytes while its deflate stream unpacks to `real_size`."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = b"".join(compressor.compress(bytes(1 << 20)) for _ in range(real_size >> 20)) + compressor.flush()
    name = b"small.jpg"
    crc = zlib.crc32(bytes(claimed))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), claimed, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), claimed, len(name), 0, 0, 0, 0, 0, 0
    )
    body = local + name + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), len(body), 0)
    return body + central + name + end


def overlapping_bomb(entries: int = 2000, member_size: int = 4 * 1024 * 1024) -> bytes:
    """Fifield's non-recursive bomb: many central-directory entries that all point at one compressed member."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(bytes(member_size)) + compressor.flush()
    crc = zlib.crc32(bytes(member_size))
    name = b"0.jpg"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), member_size, len(name), 0)
    body = local + name + stream
    directory = b""
    for index in range(entries):
        entry_name = f"{index}.jpg".encode()
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), member_size, len(entry_name), 0, 0, 0, 0, 0, 0,
        ) + entry_name  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(directory), len(body), 0)
    return body + directory + end


def encrypted_member() -> bytes:
    """A member flagged as encrypted (traditional PKWARE), whose bytes are noise."""
    data = bytearray(_zip([("secret.jpg", jpeg_bytes(64, 48, seed=1))], method=zipfile.ZIP_STORED))
    data[6] |= 0x1  # local header flag
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1  # central directory flag
    return bytes(data)


@functools.cache
def archives() -> tuple[Archive, ...]:
    photo = jpeg_bytes(160, 120, seed=2)
    return (
        Archive("a 64 MB member of zeros", zeros_member(64 * 1024 * 1024)),
        Archive("a member lying about its size", lying_sizes()),
        Archive("2000 entries overlapping one 4 MB member", overlapping_bomb()),
        Archive("too many members", _zip([(f"{i}.txt", b"x") for i in range(1200)], method=zipfile.ZIP_STORED)),
        Archive(
            "a zip inside a zip inside a zip", _zip([("inner.zip", _zip([("core.zip", _zip([("p.jpg", photo)]))]))])
        ),
        Archive(
            "names escaping the folder",
            _zip([("../../etc/evil.jpg", photo), ("/abs/evil.jpg", photo), ("C:\\x\\evil.jpg", photo)]),
        ),
        Archive("an encrypted member", encrypted_member()),
        Archive("an empty archive", _zip([])),
        Archive("a zip cut in half", _zip([("p.jpg", photo)])[:200]),
        Archive("html named zip", b"<html><script>alert(1)</script></html>"),
        Archive("a zip of only non-images", _zip([("notes.txt", b"hello"), ("run.sh", b"#!/bin/sh\nrm -rf /")])),
    )
