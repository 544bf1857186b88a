"""A run's state transitions in the database (synchronous; the executor calls them off the event loop).

Each transition is a conditional UPDATE, so two processes can never both own a run.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.metrics import observe_run_finished
from core.models import Run, RunStatus
from core.run_hooks import done_handler_for, request_builder_for
from core.services.photos import photo_image_input
from core.streaming import run_payload
from inference.prompts import get_template
from inference.protocol import ChatRequest, ChatResult, Sampling

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def claim(run_id: UUID, worker_id: str) -> bool:
    """Mark a queued run running for this worker; False if it is no longer queued."""
    claimed = Run.objects.filter(id=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        worker=worker_id,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        text="",
        error="",
    )
    return bool(claimed)


def start(run_id: UUID, worker_id: str) -> Run | None:
    """Claim a queued run for this worker and load it with its photos; None if it is no longer queued."""
    if not claim(run_id, worker_id):
        return None
    run = Run.objects.get(id=run_id)
    run.photo_list = list(run.photos.order_by("runphoto__position"))  # type: ignore[attr-defined]
    return run


def build_request(run: Run) -> ChatRequest:
    """Render the task's template with the run's photos at the task's pixel budget (CPU work: off the loop)."""
    template = get_template(run.task)
    params = run.params or {}
    budget = template.image_budget(params.get("image_tokens"))
    images = [photo_image_input(p, max_tokens=budget) for p in run.photo_list]  # type: ignore[attr-defined]
    builder = request_builder_for(run.task)
    if builder is not None:
        return builder(run, images)
    sampling = params.get("sampling")
    return template.request(
        images=images,
        priority=run.priority,
        max_tokens=params.get("max_tokens"),
        sampling=Sampling(**sampling) if sampling else None,
        request_id=str(run.id),
        ignore_eos=bool(params.get("ignore_eos")),
        **params.get("fields", {}),
    )


def save_texts(texts: dict[UUID, str]) -> None:
    """The streamed text of several running runs, in one write transaction. Rows are written in id order, as the
    heartbeat locks them, so that on PostgreSQL the two never wait for each other in a circle (a deadlock)."""
    now = timezone.now()
    with transaction.atomic():
        for run_id, text in sorted(texts.items()):
            Run.objects.filter(id=run_id, status=RunStatus.RUNNING).update(text=text, updated_at=now)


def mark_done(run_id: UUID, result: ChatResult) -> dict[str, Any] | None:
    run = Run.objects.filter(id=run_id, status=RunStatus.RUNNING).first()
    if run is None:
        return None
    run.text = result.text
    run.result = result.parsed
    run.prompt_tokens = result.usage.prompt_tokens
    run.completion_tokens = result.usage.completion_tokens
    run.cached_tokens = result.usage.cached_tokens
    run.ttft_ms = None if result.ttft_s is None else result.ttft_s * 1000
    run.latency_ms = result.latency_s * 1000
    run.finished_at = timezone.now()
    run.status = RunStatus.DONE
    handler = done_handler_for(run.task)
    try:
        with transaction.atomic():
            run.save()
            if handler is not None:
                handler(run)
    except ValueError as exc:  # the app could not use the answer: the run fails, the text stays
        return mark_failed(run_id, f"the answer could not be used: {exc}", text=result.text)
    observe_run_finished(run)
    return {"type": "done", "run": run_payload(run)}


def mark_failed(run_id: UUID, reason: str, *, text: str | None = None) -> dict[str, Any] | None:
    changes: dict[str, Any] = {"status": RunStatus.FAILED, "error": reason, "finished_at": timezone.now()}
    if text is not None:
        changes["text"] = text
    changed = Run.objects.filter(id=run_id).exclude(status__in=[RunStatus.DONE, RunStatus.CANCELLED]).update(**changes)
    run = Run.objects.get(id=run_id)
    if changed:
        observe_run_finished(run)
    return {"type": "failed", "error": run.error, "run": run_payload(run)}


def mark_cancelled(run_id: UUID) -> dict[str, Any] | None:
    changed = Run.objects.filter(id=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now(), error="cancelled"
    )
    run = Run.objects.get(id=run_id)
    if changed:
        observe_run_finished(run)
    return {"type": "cancelled", "run": run_payload(run)}


def _worker_is_dead(worker: str, me: str) -> bool:
    """A worker on this host whose process is gone (a restart) is known dead at once; others only when stale."""
    if not worker:
        return True
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return worker != me
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _heartbeat(run_ids: list[UUID], now: datetime) -> None:
    """One UPDATE of many rows locks them in whatever order it meets them: lock them in id order first."""
    with transaction.atomic():
        locked = Run.objects.filter(id__in=run_ids).order_by("id").select_for_update()
        list(locked.values_list("id", flat=True))
        Run.objects.filter(id__in=run_ids).update(updated_at=now)


def sweep(worker_id: str, local_ids: list[UUID]) -> list[tuple[UUID, int, bool]]:
    """Keep local runs' heartbeat; take over runs whose owner died. Returns (run id, priority, was running)."""
    now = timezone.now()
    if local_ids:
        _heartbeat(local_ids, now)
    stale_before = now - timedelta(seconds=settings.RUN_STALE_SECONDS)
    orphans = (
        Run.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .exclude(id__in=local_ids)
        .values_list("id", "status", "worker", "updated_at", "priority", "attempts")
    )
    claimed = []
    for run_id, status, worker, updated_at, priority, attempts in orphans:
        if worker == worker_id and status == RunStatus.QUEUED and updated_at > stale_before:
            continue  # just created here and about to be admitted
        if not (_worker_is_dead(worker, worker_id) or updated_at < stale_before):
            continue
        if status == RunStatus.RUNNING and attempts >= MAX_ATTEMPTS:
            mark_failed(run_id, f"interrupted {attempts} times by server restarts; press retry to try again")
            continue
        took = Run.objects.filter(id=run_id, status=status, worker=worker).update(
            status=RunStatus.QUEUED, worker=worker_id, text="", updated_at=now
        )
        if took:
            logger.info("took over run %s (%s, was owned by %r)", run_id, status, worker)
            claimed.append((run_id, priority, status == RunStatus.RUNNING))
    return claimed
