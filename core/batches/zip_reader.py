"""Photos out of an uploaded zip, in memory, with zip bombs refused before anything is decompressed.

Nothing is ever extracted to disk, so member names cannot escape a folder; they only become display names.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

JUNK_PREFIXES = ("__MACOSX/",)
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class ArchiveRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ArchiveMember:
    name: str
    data: bytes | None  # None when this one member could not be used (see error)
    error: str = ""


def _is_junk(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith(JUNK_PREFIXES) or base in JUNK_NAMES or base.startswith("._")


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArchiveRejected("This file is not a zip archive, or it is damaged.") from None


def _check_sizes(members: list[zipfile.ZipInfo], *, max_members: int, max_total_bytes: int) -> None:
    """Refuse by the sizes the archive declares; reading then stops at those sizes, so they cannot lie."""
    if not members:
        raise ArchiveRejected("The zip archive contains no files.")
    if len(members) > max_members:
        raise ArchiveRejected(f"The zip archive has {len(members)} files; a batch takes at most {max_members}.")
    total = sum(info.file_size for info in members)
    if total > max_total_bytes:
        raise ArchiveRejected(
            f"The zip archive unpacks to {total / 2**20:.0f} MB; at most {max_total_bytes / 2**20:.0f} MB are accepted."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_member_bytes: int) -> ArchiveMember:
    name = info.filename[-255:]
    if info.flag_bits & 0x1:
        return ArchiveMember(name, None, "This file is encrypted in the zip archive.")
    if info.file_size > max_member_bytes:
        return ArchiveMember(name, None, f"This file is larger than {max_member_bytes / 2**20:.0f} MB.")
    try:
        with archive.open(info) as member:
            data = member.read(max_member_bytes + 1)  # never more than declared (zipfile stops there) or allowed
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
        return ArchiveMember(name, None, f"This file could not be unpacked ({exc}).")
    return ArchiveMember(name, data)


def read_zip(data: bytes, *, max_members: int, max_total_bytes: int, max_member_bytes: int) -> list[ArchiveMember]:
    """Every file in the archive (folders and system junk left out), each with its bytes or a reason."""
    with _open(data) as archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not _is_junk(i.filename)]
        _check_sizes(members, max_members=max_members, max_total_bytes=max_total_bytes)
        return [_read_member(archive, info, max_member_bytes) for info in members]


def looks_like_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"
