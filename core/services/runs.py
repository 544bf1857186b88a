"""Starting, retrying and cancelling runs. The run itself executes in the background (core.run_executor)."""

from __future__ import annotations

import logging
import string
from typing import Any

from django.conf import settings
from django.db import transaction

from core.errors import Busy, Conflict, InvalidInput
from core.metrics import observe_run_created
from core.models import Photo, Run, RunPhoto, RunStatus, Team
from core.run_executor import executor
from core.run_state import build_request, mark_cancelled
from core.services.audit import audit_record
from core.services.photos import photo_image_input
from inference.prompts import TaskTemplate, get_template
from inference.protocol import ChatRequest

logger = logging.getLogger(__name__)
MAX_PHOTOS_PER_RUN = 8


def _template(task: str) -> TaskTemplate:
    try:
        return get_template(task)
    except KeyError:
        raise InvalidInput(f"Unknown task {task!r}.") from None


def _check_fields(template: TaskTemplate, fields: dict[str, Any]) -> None:
    missing = sorted(_field_names(template) - {k for k, v in fields.items() if v not in (None, "")})
    if missing:
        raise InvalidInput(f"Please fill in: {', '.join(missing)}.", details={"missing": missing})


def run_create(
    *,
    user: Any,
    team: Team,
    task: str,
    photos: list[Photo],
    fields: dict[str, Any],
    max_tokens: int | None = None,
    sampling: dict[str, Any] | None = None,
    priority: int = 0,
    ignore_eos: bool = False,
    image_tokens: int | None = None,
) -> Run:
    """Persist a run and hand it to the executor. Refuses with Busy when too many runs already wait."""
    template = _template(task)
    _check_fields(template, fields)
    if len(photos) > MAX_PHOTOS_PER_RUN:
        raise InvalidInput(f"At most {MAX_PHOTOS_PER_RUN} photos per question.")
    if not executor.has_room():
        raise Busy("VisionDesk is busy right now: too many questions are waiting. Please try again in a minute.")
    params: dict[str, Any] = {"fields": fields}
    if max_tokens:
        params["max_tokens"] = max_tokens
    if sampling:
        params["sampling"] = sampling
    if ignore_eos:
        params["ignore_eos"] = True
    if image_tokens:
        params["image_tokens"] = image_tokens  # a lighter look at each photo (capped by the task's own budget)
    with transaction.atomic():
        run = Run.objects.create(
            task=task,
            template_version=template.version,
            params=params,
            priority=priority,
            team=team,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            worker=executor.worker_id if executor.bound else "",
        )
        RunPhoto.objects.bulk_create(RunPhoto(run=run, photo=p, position=i) for i, p in enumerate(photos))
        audit_record(actor=user, action="run.create", target=run, details={"task": task, "priority": priority})
        run.photo_list = photos  # type: ignore[attr-defined]  # what request builders and payloads read
        transaction.on_commit(lambda: _hand_over(run))
    observe_run_created(task)
    return run


def _hand_over(run: Run) -> None:
    """Give a new run to the executor. When it would start at once, its engine request is built here and goes with
    it, so the engine starts on it without a trip through the database first (everything it reads is committed)."""
    request = None
    if executor.has_free_slot():
        try:
            request = build_request(run)
        except Exception:  # noqa: BLE001 - the executor builds it again, and records why that fails
            logger.warning("run %s: request not built at creation", run.id, exc_info=True)
    executor.submit(run.id, run.priority, request)


def run_retry(*, run: Run, actor: Any = None) -> Run:
    """Queue a failed or cancelled run again, from scratch; the photos and parameters are kept."""
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise Conflict("Only a failed or cancelled run can be retried.")
    Run.objects.filter(id=run.id).update(
        status=RunStatus.QUEUED,
        text="",
        error="",
        result=None,
        attempts=0,
        finished_at=None,
        worker=executor.worker_id if executor.bound else "",
    )
    audit_record(actor=actor, action="run.retry", target=run)
    transaction.on_commit(lambda: executor.submit(run.id, run.priority))
    run.refresh_from_db()
    return run


def run_cancel(*, run: Run, actor: Any = None) -> Run:
    if not run.is_active:
        raise Conflict("This run has already ended.")
    audit_record(actor=actor, action="run.cancel", target=run)
    future = executor.cancel(run.id)
    if future is not None:
        future.result(timeout=10)
    mark_cancelled(run.id)  # the executor may not own it (another process): mark it here too
    run.refresh_from_db()
    return run


def photos_prepare(*, task: str, photos: list[Photo], warm: bool = True, image_tokens: int | None = None) -> None:
    """Resize the photos for the task now, while the person types; optionally warm the engine's prefix cache
    (a 1-token request with the task's system prompt and the photo) so the question's first token comes sooner."""
    template = _template(task)
    budget = template.image_budget(image_tokens)
    images = [photo_image_input(photo, max_tokens=budget) for photo in photos]
    if not (warm and settings.WARM_CACHE_ON_UPLOAD and executor.bound):
        return
    blank_fields = dict.fromkeys(_field_names(template), "")
    for image in images:
        messages = template.messages(images=[image], **blank_fields)
        executor.warm(ChatRequest(messages=messages, max_tokens=1, sampling=template.sampling, priority=1))


def _field_names(template: TaskTemplate) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template.user) if name}
