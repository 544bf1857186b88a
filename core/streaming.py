"""Run events on the websocket group `run-<id>`: what they look like and how they are published."""

from __future__ import annotations

from typing import Any

from channels.layers import get_channel_layer

from core.models import Run


def run_group(run_id: Any) -> str:
    return f"run-{run_id}"


def run_payload(run: Run, *, queue_position: int | None = None) -> dict[str, Any]:
    """Everything a page needs to show a run; the same shape the REST API returns."""
    return {
        "id": str(run.id),
        "task": run.task,
        "status": run.status,
        "text": run.text,
        "result": run.result,
        "error": run.error,
        "queue_position": queue_position,
        "usage": {
            "prompt_tokens": run.prompt_tokens,
            "completion_tokens": run.completion_tokens,
            "cached_tokens": run.cached_tokens,
        },
        "ttft_ms": run.ttft_ms,
        "latency_ms": run.latency_ms,
        "attempts": run.attempts,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "photos": [p.sha256 for p in _photos_of(run)] if run.pk else [],
    }


def _photos_of(run: Run) -> list[Any]:
    known = getattr(run, "photo_list", None)  # set where the run was created or started: no query needed
    return list(run.photos.all()) if known is None else known


async def publish(run_id: Any, event: dict[str, Any]) -> None:
    """Send one event to everyone watching the run (in this process or, with Redis, any process)."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(run_group(run_id), {"type": "run.event", "event": event})
