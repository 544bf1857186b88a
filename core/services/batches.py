"""Batch jobs: many photos for one task, sent to the engine as low-priority runs a bounded number at a time.

All state is in the database (Batch, BatchItem, Run), so a batch survives restarts: the scheduler of whichever
process serves next sends the waiting items, and core.run_state.sweep takes over runs a dead process left behind.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.batches.zip_reader import ArchiveMember, ArchiveRejected, looks_like_zip, read_zip
from core.errors import AppError, Busy, Conflict, InvalidInput
from core.intake import ImageRejected
from core.models import ACTIVE_STATUSES, Batch, BatchItem, BatchStatus, ItemStatus, Photo, Team
from core.services.audit import audit_record
from core.services.photos import photo_upload
from core.services.runs import _check_fields, _template, run_cancel, run_create

logger = logging.getLogger(__name__)
OPEN_ITEMS = (ItemStatus.PENDING, ItemStatus.SUBMITTED)

NamedPhoto = tuple[str, Photo]
Failure = tuple[str, str]  # (filename, reason)


def _on_commit_nudge() -> None:
    from core.batches.scheduler import batch_scheduler  # late: the scheduler imports this module

    transaction.on_commit(batch_scheduler.nudge)


def batch_files_intake(
    *, user: User, team: Team, files: list[tuple[str, bytes]]
) -> tuple[list[NamedPhoto], list[Failure]]:
    """Photos and zip archives in, stored photos out; a file that cannot be used is a reason, never an abort.
    A whole archive is refused (InvalidInput) when it is damaged or too big unpacked (a zip bomb)."""
    photos: list[NamedPhoto] = []
    failures: list[Failure] = []
    for member in _expand(files):
        if member.data is None:
            failures.append((member.name, member.error))
            continue
        try:
            photos.append((member.name, photo_upload(user=user, team=team, filename=member.name, data=member.data)))
        except ImageRejected as exc:
            failures.append((member.name, exc.reason))
    return photos, failures


def _expand(files: list[tuple[str, bytes]]) -> list[ArchiveMember]:
    """Plain files as they are; each zip archive as its members."""
    expanded: list[ArchiveMember] = []
    for name, data in files:
        if not looks_like_zip(name, data):
            expanded.append(ArchiveMember(name, data))
            continue
        if len(data) > settings.BATCH_ZIP_MAX_BYTES:
            raise InvalidInput(f"{name}: the zip archive is larger than {settings.BATCH_ZIP_MAX_BYTES / 2**20:.0f} MB.")
        try:
            expanded += read_zip(
                data,
                max_members=settings.BATCH_MAX_FILES,
                max_total_bytes=settings.BATCH_ZIP_MAX_UNCOMPRESSED_BYTES,
                max_member_bytes=settings.UPLOAD_MAX_BYTES,
            )
        except ArchiveRejected as exc:
            raise InvalidInput(f"{name}: {exc.reason}") from None
    return expanded


def batch_create(
    *,
    user: User,
    team: Team,
    task: str,
    fields: dict[str, Any],
    photos: list[NamedPhoto],
    failures: list[Failure] | None = None,
    name: str = "",
    max_tokens: int | None = None,
) -> Batch:
    """A batch whose photos wait to be sent; files that could not be used are items that failed at once."""
    _check_fields(_template(task), fields)
    failures = failures or []
    count = len(photos) + len(failures)
    if not photos:
        raise InvalidInput("The batch has no usable photos.", details={"rejected": [f for f, _ in failures]})
    if count > settings.BATCH_MAX_FILES:
        raise InvalidInput(f"A batch takes at most {settings.BATCH_MAX_FILES} photos; this one has {count}.")
    with transaction.atomic():
        batch = Batch.objects.create(
            name=name[:200], task=task, fields=fields, max_tokens=max_tokens, team=team, created_by=user,
            priority=settings.BATCH_PRIORITY,
        )  # fmt: skip
        items = [BatchItem(batch=batch, position=i, filename=n[:255], photo=p) for i, (n, p) in enumerate(photos)]
        items += [
            BatchItem(batch=batch, position=len(photos) + i, filename=n[:255], status=ItemStatus.FAILED, error=reason)
            for i, (n, reason) in enumerate(failures)
        ]
        BatchItem.objects.bulk_create(items)
        audit_record(actor=user, action="batch.create", target=batch, details={"task": task, "items": count})
        _on_commit_nudge()
    return batch


def _set_status(batch: Batch, *, allowed: tuple[str, ...], status: str, message: str) -> None:
    changes: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status in (BatchStatus.CANCELLED, BatchStatus.DONE):
        changes["finished_at"] = timezone.now()
    if not Batch.objects.filter(id=batch.id, status__in=allowed).update(**changes):
        raise Conflict(message)
    batch.refresh_from_db()


def batch_pause(*, batch: Batch, actor: Any) -> Batch:
    """No more items are sent; the few already sent finish."""
    _set_status(
        batch, allowed=(BatchStatus.RUNNING,), status=BatchStatus.PAUSED, message="Only a running batch can be paused."
    )
    audit_record(actor=actor, action="batch.pause", target=batch)
    return batch


def batch_resume(*, batch: Batch, actor: Any) -> Batch:
    _set_status(
        batch, allowed=(BatchStatus.PAUSED,), status=BatchStatus.RUNNING, message="Only a paused batch can be resumed."
    )
    audit_record(actor=actor, action="batch.resume", target=batch)
    _on_commit_nudge()
    return batch


def batch_cancel(*, batch: Batch, actor: Any) -> Batch:
    """Waiting items are dropped and the runs already sent are cancelled; finished items keep their results."""
    open_states = (BatchStatus.RUNNING, BatchStatus.PAUSED)
    _set_status(batch, allowed=open_states, status=BatchStatus.CANCELLED, message="This batch has already ended.")
    batch.items.filter(status=ItemStatus.PENDING).update(status=ItemStatus.CANCELLED)
    for item in batch.items.filter(status=ItemStatus.SUBMITTED, run__status__in=ACTIVE_STATUSES).select_related("run"):
        with contextlib.suppress(Conflict):  # it ended meanwhile
            run_cancel(run=item.run, actor=actor)  # type: ignore[arg-type]
    batch.items.filter(status=ItemStatus.SUBMITTED).exclude(run__status__in=ACTIVE_STATUSES).update(
        status=ItemStatus.CANCELLED
    )
    audit_record(actor=actor, action="batch.cancel", target=batch)
    return batch


def batch_retry_failed(*, batch: Batch, actor: Any) -> Batch:
    """Failed and cancelled items with a photo wait again (new runs); the batch runs again."""
    retry = batch.items.filter(status__in=[ItemStatus.FAILED, ItemStatus.CANCELLED], photo__isnull=False)
    count = retry.update(status=ItemStatus.PENDING, run=None, error="")
    if not count:
        raise Conflict("There are no failed items to retry.")
    Batch.objects.filter(id=batch.id).update(status=BatchStatus.RUNNING, finished_at=None, updated_at=timezone.now())
    batch.refresh_from_db()
    audit_record(actor=actor, action="batch.retry_failed", target=batch, details={"items": count})
    _on_commit_nudge()
    return batch


# ---- the scheduler's step (core.batches.scheduler calls it every BATCH_TICK_MS) -------------------------------


def batches_tick() -> int:
    """Bring items up to date with their runs, send more while there is room, close finished batches."""
    if not _batch_work_exists():
        return 0  # the usual case: two reads, instead of the writes below taking SQLite's one write lock every tick
    _sync_items()
    sent = _send_items()
    _finish_batches()
    return sent


def _batch_work_exists() -> bool:
    return (
        BatchItem.objects.filter(status=ItemStatus.SUBMITTED).exists()
        or Batch.objects.filter(status=BatchStatus.RUNNING).exists()
    )


def _sync_items() -> None:
    for status in (ItemStatus.DONE, ItemStatus.FAILED, ItemStatus.CANCELLED):
        BatchItem.objects.filter(status=ItemStatus.SUBMITTED, run__status=status).update(status=status)
    BatchItem.objects.filter(status=ItemStatus.SUBMITTED, run__isnull=True).update(
        status=ItemStatus.FAILED, error="Its run was deleted."
    )


def _send_items() -> int:
    room = settings.BATCH_MAX_IN_FLIGHT - BatchItem.objects.filter(status=ItemStatus.SUBMITTED).count()
    if room <= 0:
        return 0
    waiting = (
        BatchItem.objects.filter(status=ItemStatus.PENDING, batch__status=BatchStatus.RUNNING)
        .select_related("batch__team", "batch__created_by", "photo")
        .order_by("batch__created_at", "position")
    )
    sent = 0
    for item in waiting[:room]:
        try:
            sent += _send(item)
        except Busy:
            break  # the run queue is full: interactive users come first; try again next tick
    return sent


def _send(item: BatchItem) -> int:
    batch = item.batch
    try:
        with transaction.atomic():
            # Claimed with a conditional update, so two app processes never send the same item.
            if not BatchItem.objects.filter(id=item.id, status=ItemStatus.PENDING).update(status=ItemStatus.SUBMITTED):
                return 0
            run = run_create(
                user=batch.created_by,
                team=batch.team,
                task=batch.task,
                photos=[item.photo] if item.photo else [],  # pending items always have one
                fields=batch.fields,
                max_tokens=batch.max_tokens,
                priority=batch.priority,
            )
            BatchItem.objects.filter(id=item.id).update(run=run)
    except Busy:
        raise
    except AppError as exc:  # this item cannot run (its task changed, a field is missing): the others go on
        BatchItem.objects.filter(id=item.id, status=ItemStatus.PENDING).update(
            status=ItemStatus.FAILED, error=exc.message
        )
        return 0
    return 1


def _finish_batches() -> None:
    still_open = BatchItem.objects.filter(batch=OuterRef("pk"), status__in=OPEN_ITEMS)
    now = timezone.now()
    Batch.objects.filter(status=BatchStatus.RUNNING).exclude(Exists(still_open)).update(
        status=BatchStatus.DONE, finished_at=now, updated_at=now
    )
