"""Run hooks of the conversation and table tasks: how their requests are built and what their answers become."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from core.conversations.requests import followup_request
from core.conversations.selectors import conversation_for_run, origin_visible
from core.models import ConversationTurn, Run, Table
from core.run_hooks import build_request_with, on_run_done, restrict_visibility
from core.services.conversations import photo_description_store, turn_answer_store
from core.services.tables import table_cells_store, table_crop_input
from inference.prompts import followup as _followup  # noqa: F401  registers followup and photo_caption
from inference.prompts import get_template
from inference.protocol import ChatRequest, ImageInput, Sampling
from inference.tables.reading import TABLE_READ, grid_schema


def _plain_request(run: Run, images: Sequence[ImageInput]) -> ChatRequest:
    """A run of the task asked through the generic API (no conversation or table behind it)."""
    params = run.params or {}
    sampling = params.get("sampling")
    return get_template(run.task).request(
        images=images,
        priority=run.priority,
        max_tokens=params.get("max_tokens"),
        sampling=Sampling(**sampling) if sampling else None,
        request_id=str(run.id),
        **params.get("fields", {}),
    )


@build_request_with("followup")
def followup_run_request(run: Run, images: Sequence[ImageInput]) -> ChatRequest:
    if not ConversationTurn.objects.filter(run=run, number__gt=0).exists():
        return _plain_request(run, images)
    return followup_request(run, images)


@restrict_visibility("followup")
def followup_visible(run: Run, user: Any) -> bool:
    """A follow-up is seen by those who may see the run its conversation started from."""
    conversation = conversation_for_run(run)
    return conversation is None or origin_visible(conversation, user)


@on_run_done("followup")
def followup_run_done(run: Run) -> None:
    turn_answer_store(run=run)


@on_run_done("photo_caption")
def photo_caption_done(run: Run) -> None:
    photo_description_store(run=run)


@build_request_with("table_read")
def table_read_request(run: Run, images: Sequence[ImageInput]) -> ChatRequest:
    """The table's padded crop (not the whole photo), and a schema of exactly its detected grid."""
    table = Table.objects.select_related("photo").filter(read_run_id=run.id).first()
    fields = (run.params or {}).get("fields", {})
    if table is None:
        request = _plain_request(run, images)
        return replace(request, schema=grid_schema(int(fields["rows"]), int(fields["columns"])))
    crop = table_crop_input(table, max_tokens=TABLE_READ.image_tokens)
    request = _plain_request(run, [crop])
    return replace(request, schema=grid_schema(table.n_rows, table.n_columns))


@on_run_done("table_read")
def table_read_done(run: Run) -> None:
    table = Table.objects.filter(read_run_id=run.id).first()
    if table is not None:
        table_cells_store(table=table, run=run)
