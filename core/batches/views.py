"""Batch pages: start a batch, watch its progress, export its results. The browser talks to the batch API."""

from __future__ import annotations

import csv
import json
import string
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.batches.selectors import batch_get_visible, batch_items, batch_payload, batches_visible_to
from core.errors import NotFound
from core.roles import role_required, user_may_use_task
from core.services.audit import audit_record
from core.spreadsheet import inert_cell
from inference.prompts import registered_templates

EXPORT_COLUMNS = ["position", "filename", "photo", "status", "error", "run", "latency_ms", "result", "text"]


def _task_choices(user: Any) -> list[dict[str, Any]]:
    """Tasks this person may run, with the fields each needs (the same values go to every photo)."""
    choices = []
    for template in registered_templates():
        if user_may_use_task(user, template.name):
            fields = sorted({name for _, name, _, _ in string.Formatter().parse(template.user) if name})
            choices.append({"name": template.name, "title": template.title or template.name, "fields": fields})
    return choices


@role_required("batches")
@require_GET
def batches_page(request: HttpRequest) -> HttpResponse:
    batches = [batch_payload(b, with_items=False) for b in batches_visible_to(request.user)[:30]]
    context = {
        "batches": batches,
        "tasks": _task_choices(request.user),
        "max_files_per_upload": settings.UPLOAD_MAX_FILES,
    }
    return render(request, "core/batches.html", context)


@role_required("batches")
@require_GET
def batch_page(request: HttpRequest, batch_id: str) -> HttpResponse:
    try:
        batch = batch_get_visible(user=request.user, batch_id=batch_id)
    except NotFound:
        return HttpResponse("No such batch.", status=404, content_type="text/plain")
    return render(request, "core/batch_detail.html", {"batch": batch, "payload": batch_payload(batch)})


def _export_row(item: Any) -> list[Any]:
    run = item.run
    result = json.dumps(run.result, ensure_ascii=False) if run is not None and run.result is not None else ""
    row = [
        item.position + 1,
        item.filename,
        item.photo.sha256 if item.photo else "",
        item.status,
        item.error or (run.error if run is not None else ""),
        str(run.id) if run is not None else "",
        run.latency_ms if run is not None and run.latency_ms is not None else "",
        result,
        run.text if run is not None and run.result is None else "",
    ]
    return [inert_cell(value) for value in row]


@role_required("batches")
@require_GET
def batch_export(request: HttpRequest, batch_id: str) -> HttpResponse:
    """One CSV line per item: its status, error, and the model's result (JSON) or text."""
    try:
        batch = batch_get_visible(user=request.user, batch_id=batch_id)
    except NotFound:
        return HttpResponse("No such batch.", status=404, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{str(batch.id)[:8]}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_export_row(item) for item in batch_items(batch))
    audit_record(actor=request.user, action="batch.export", target=batch, details={"format": "csv"})
    return response
