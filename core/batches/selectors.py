"""Reading batches: who sees which (their team's; admins all), their progress, and their items."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.errors import NotFound
from core.models import Batch, BatchItem, ItemStatus, Photo, Upload
from core.selectors import visible_to


def batches_visible_to(user: Any) -> QuerySet[Batch]:
    return visible_to(Batch.objects.select_related("team", "created_by"), user)


def batch_get_visible(*, user: Any, batch_id: UUID | str) -> Batch:
    try:
        return batches_visible_to(user).get(id=batch_id)
    except (Batch.DoesNotExist, ValueError):
        raise NotFound("No such batch.") from None


def batch_counts(batch: Batch) -> dict[str, int]:
    counts = dict(batch.items.values_list("status").annotate(n=Count("id")))
    result = {str(status): counts.get(status, 0) for status in ItemStatus.values}
    result["total"] = sum(counts.values())
    return result


def _eta_seconds(batch: Batch, counts: dict[str, int]) -> float | None:
    """Remaining items at the pace of the items finished so far."""
    finished = counts["done"] + counts["failed"]
    remaining = counts["pending"] + counts["submitted"]
    if batch.status != "running" or not finished or not remaining:
        return None
    elapsed = (timezone.now() - batch.created_at).total_seconds()
    return round(elapsed / finished * remaining, 1)


def batch_items(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.select_related("run", "photo").order_by("position")


def item_payload(item: BatchItem) -> dict[str, Any]:
    run = item.run
    return {
        "position": item.position,
        "filename": item.filename,
        "status": item.status,
        "error": item.error or (run.error if run is not None and run.status in ("failed", "cancelled") else ""),
        "photo": item.photo.sha256 if item.photo else None,
        "run": str(run.id) if run is not None else None,
        "latency_ms": run.latency_ms if run is not None else None,
        "finished_at": run.finished_at.isoformat() if run is not None and run.finished_at else None,
    }


def batch_payload(batch: Batch, *, with_items: bool = True) -> dict[str, Any]:
    counts = batch_counts(batch)
    ended = counts["done"] + counts["failed"] + counts["cancelled"]
    payload: dict[str, Any] = {
        "id": str(batch.id),
        "name": str(batch),
        "task": batch.task,
        "status": batch.status,
        "priority": batch.priority,
        "counts": counts,
        "percent": round(100 * ended / counts["total"], 1) if counts["total"] else 100.0,
        "eta_s": _eta_seconds(batch, counts),
        "created_at": batch.created_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "created_by": batch.created_by.get_username() if batch.created_by else "",
        "team": batch.team.name,
    }
    if with_items:
        payload["items"] = [item_payload(item) for item in batch_items(batch)]
    return payload


def upload_names(*, user: Any, photos: list[Photo]) -> dict[int, str]:
    """The names the photos had on the person's device (their latest upload of each), by photo id."""
    uploads = Upload.objects.filter(photo__in=photos, uploaded_by=user).order_by("created_at")
    return {u.photo_id: u.filename for u in uploads if u.filename}
