"""Photo intake and storage: each photo is stored once under its content hash, with its thumbnail and variants."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.intake import ImageRejected, PreparedImage, prepare_upload, resize_for_budget
from core.models import Photo, Team, Upload
from inference.protocol import ImageInput


@dataclass(frozen=True)
class Rejection:
    filename: str
    reason: str


def _photo_dir(sha256: str) -> Path:
    return Path(settings.PHOTO_STORAGE_DIR) / sha256[:2]


def _stored_path(sha256: str, mime: str) -> Path:
    return _photo_dir(sha256) / f"{sha256}.{_extension(mime)}"


def _thumbnail_path(sha256: str) -> Path:
    return _photo_dir(sha256) / f"{sha256}.thumb.jpg"


def photo_path(photo: Photo) -> Path:
    return _stored_path(photo.sha256, photo.mime)


def thumbnail_path(photo: Photo) -> Path:
    return _thumbnail_path(photo.sha256)


def _extension(mime: str) -> str:
    return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(mime, "bin")


def _write_once(path: Path, data: bytes) -> None:
    """Content-addressed files never change: write only if missing, atomically (a crash leaves no half file)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _save_prepared(prepared: PreparedImage) -> Photo:
    """The photo's row, made if new (inside the caller's transaction; its files are written before it)."""
    existing = Photo.objects.filter(sha256=prepared.sha256).first()
    if existing:
        return existing
    photo = Photo(
        sha256=prepared.sha256,
        mime=prepared.mime,
        width=prepared.width,
        height=prepared.height,
        size_bytes=len(prepared.data),
        exif=prepared.exif,
    )
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:  # the same photo arrived at the same moment from elsewhere
        return Photo.objects.get(sha256=prepared.sha256)
    return photo


def photo_upload(*, user: User, team: Team, filename: str, data: bytes) -> Photo:
    """Verify, normalise and store one uploaded file. Raises ImageRejected with a reason naming the file."""
    prepared = prepare_upload(
        filename=filename, data=data, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS
    )
    # Files first, outside the transaction: on SQLite it holds the one write lock from its first statement.
    _write_once(_stored_path(prepared.sha256, prepared.mime), prepared.data)
    _write_once(_thumbnail_path(prepared.sha256), prepared.thumbnail)
    with transaction.atomic():  # the photo (if new) and its upload record: one write
        photo = _save_prepared(prepared)
        Upload.objects.create(photo=photo, team=team, uploaded_by=user, filename=filename[:255])
    return photo


def photos_upload(*, user: User, team: Team, files: list[tuple[str, bytes]]) -> tuple[list[Photo], list[Rejection]]:
    """Store every acceptable file; a refused file is reported and never costs the others."""
    photos: list[Photo] = []
    rejections: list[Rejection] = []
    for filename, data in files:
        try:
            photos.append(photo_upload(user=user, team=team, filename=filename, data=data))
        except ImageRejected as exc:
            rejections.append(Rejection(filename=exc.filename, reason=exc.reason))
    return photos, rejections


class _VariantCache:
    """Budget-sized JPEGs kept in memory (LRU by bytes) so a photo is decoded once, not once per request."""

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self._max and self._items:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


_variants = _VariantCache(max_bytes=256 * 1024 * 1024)


def photo_image_input(photo: Photo, *, max_tokens: int) -> ImageInput:
    """The photo as the engine receives it for a task: resized to its pixel budget, once, then cached."""
    key = f"{photo.sha256}-t{max_tokens}"
    data = _variants.get(key)
    if data is None:
        variant_path = _photo_dir(photo.sha256) / f"{key}.jpg"
        if variant_path.exists():
            data = variant_path.read_bytes()
        else:
            data, _, _ = resize_for_budget(data=photo_path(photo).read_bytes(), max_tokens=max_tokens)
            _write_once(variant_path, data)
        _variants.put(key, data)
    return ImageInput(data=data, uuid=key)
