"""Inspection: writes. Creating an inspection starts the model's reading; its answer becomes report rows here,
where code (not the model) matches tags, checks readings against limits and converts boxes to pixels."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.inspection.models import (
    ChangeAction,
    Equipment,
    Finding,
    FindingSource,
    FindingStatus,
    Inspection,
    InspectionPhoto,
    ReportChange,
    Site,
)
from apps.inspection.readings import (
    Limits,
    box_to_pixels,
    check_reading,
    format_value,
    ordered_box,
    status_after_check,
    tag_key,
)
from apps.inspection.schemas import MAX_PHOTOS, TASK, report_schema
from apps.inspection.selectors import report_photos
from core.errors import Conflict, InvalidInput
from core.models import Photo, Run
from core.run_hooks import build_request_with, on_run_done
from core.selectors import user_team
from core.services.runs import run_create
from inference.prompts import get_template
from inference.protocol import ChatRequest, ImageInput

MAX_EQUIPMENT_IN_PROMPT = 40  # the prompt stays small; matching against the whole registry is done by code
EDITABLE_FIELDS = [
    "name",
    "tag",
    "type",
    "status",
    "anomaly",
    "action",
    "reading_value",
    "reading_unit",
    "photo_index",
    "bbox_2d",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "equipment", "over_limit", "limit_state"]
RECHECK_FIELDS = {"tag", "reading_value", "reading_unit"}


# ---- creating an inspection and reading its photos -------------------------------------------------------------
def _equipment_lines(site: Site) -> str:
    equipment = list(site.equipment.all()[:MAX_EQUIPMENT_IN_PROMPT])
    lines = [f"{e.tag} | {e.name} | {e.type} | {e.unit or '-'}" for e in equipment]
    return "\n".join(lines) or "(none registered)"


def inspection_create(
    *,
    user: Any,
    site: Site,
    date: dt.date,
    photos: Sequence[Photo],
    note: str = "",
    max_tokens: int | None = None,
) -> Inspection:
    """Save the inspection with its photos, then start the model's reading of them (`inspection_report`)."""
    if not photos:
        raise InvalidInput("Add at least one photo.")
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"At most {MAX_PHOTOS} photos per inspection.")
    team = user_team(user, site.team_id)
    with transaction.atomic():
        inspection = Inspection.objects.create(team=team, site=site, inspector=user, date=date, note=note.strip())
        InspectionPhoto.objects.bulk_create(
            InspectionPhoto(inspection=inspection, photo=p, position=i) for i, p in enumerate(photos)
        )
        inspection.run = run_create(
            user=user,
            team=team,
            task=TASK,
            photos=list(photos),
            fields={
                "site": f"{site.name} ({site.location})" if site.location else site.name,
                "equipment": _equipment_lines(site),
                "note": inspection.note or "(none)",
                "photo_count": str(len(photos)),
            },
            max_tokens=max_tokens,
        )
        inspection.save(update_fields=["run"])
    return inspection


@build_request_with(TASK)
def report_request(run: Run, images: Sequence[ImageInput]) -> ChatRequest:
    """The task's request, with a schema that lets the model point only at photos this inspection has."""
    template = get_template(TASK).with_changes(schema=report_schema(len(images)))
    params = run.params or {}
    return template.request(
        images=images,
        priority=run.priority,
        max_tokens=params.get("max_tokens"),
        request_id=str(run.id),
        **params.get("fields", {}),
    )


def _text(value: Any, limit: int) -> str:
    """Model text as stored: control characters (which structured output can contain) become spaces."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in str(value or ""))
    return " ".join(text.split())[:limit]


def _limits(equipment: Equipment | None) -> Limits:
    if equipment is None:
        return Limits()
    return Limits(equipment.unit, equipment.normal_min, equipment.normal_max, equipment.alarm_min, equipment.alarm_max)


def _apply_checks(finding: Finding, photos: Sequence[Photo], *, recheck_status: bool) -> None:
    """What code decides: the reading against the registered limits, the status that follows, the pixel box."""
    check = check_reading(finding.reading_value, finding.reading_unit, _limits(finding.equipment))
    finding.limit_state, finding.over_limit = check.state, check.over_limit
    if recheck_status:
        finding.status = status_after_check(finding.status, finding.anomaly, check)
    index = finding.photo_index
    photo = photos[index] if index is not None and 0 <= index < len(photos) else None
    finding.bbox_2d = ordered_box(finding.bbox_2d) if photo is not None else None
    finding.bbox_px = box_to_pixels(finding.bbox_2d, photo.width, photo.height) if photo is not None else None


def _match(site: Site, tag: str) -> Equipment | None:
    key = tag_key(tag)
    return site.equipment.filter(tag_key=key).first() if key else None


def _finding_from_row(inspection: Inspection, position: int, row: dict[str, Any], photos: Sequence[Photo]) -> Finding:
    reading = row.get("reading") or None
    finding = Finding(
        inspection=inspection,
        position=position,
        name=_text(row.get("equipment"), 120),
        tag=_text(row.get("tag"), 40),
        type=row.get("type") or "other",
        status=row.get("status") or FindingStatus.CANNOT_TELL,
        model_status=row.get("status") or "",
        anomaly=_text(row.get("anomaly"), 300),
        action=_text(row.get("action"), 300),
        reading_value=float(reading["value"]) if reading else None,
        reading_unit=_text(reading["unit"], 16) if reading else "",
        photo_index=int(row.get("photo") or 1) - 1,
        bbox_2d=row.get("bbox_2d"),
        source=FindingSource.MODEL,
    )
    finding.equipment = _match(inspection.site, finding.tag)
    _apply_checks(finding, photos, recheck_status=True)
    return finding


def _next_position(inspection: Inspection) -> int:
    last = inspection.findings.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@on_run_done(TASK)
def report_rows_from_run(run: Run) -> None:
    """Turn the run's validated answer into report rows (inside the transaction that marks the run done)."""
    inspection = Inspection.objects.filter(run=run).select_related("site").first()
    if inspection is None:
        return  # a run started elsewhere with this task: nothing to fill
    if inspection.is_approved:  # a failed reading retried after the report was approved by hand
        raise ValueError("the report was approved meanwhile; start a new revision to read the photos again")
    rows = (run.result or {}).get("rows") if isinstance(run.result, dict) else None
    if not isinstance(rows, list):
        raise ValueError("the answer has no list of rows")
    photos = report_photos(inspection)
    inspection.findings.filter(source=FindingSource.MODEL).delete()  # a retried reading replaces the last one
    start = _next_position(inspection)
    findings = [_finding_from_row(inspection, start + i, row, photos) for i, row in enumerate(rows)]
    Finding.objects.bulk_create(findings)
    over = sum(f.over_limit for f in findings)
    ReportChange.objects.create(
        inspection=inspection, action=ChangeAction.READ, new=f"{len(findings)} rows, {over} over the limit"
    )


# ---- reviewing: edits, approval, revisions ---------------------------------------------------------------------
def _editable(inspection: Inspection) -> Inspection:
    """The inspection, locked for this transaction, when it may still change; else a Conflict saying why."""
    locked = Inspection.objects.select_for_update().select_related("run", "site").get(id=inspection.id)
    if locked.is_approved:
        raise Conflict("This report is approved and locked. Start a new revision to change it.")
    if locked.state == "reading":
        raise Conflict("The model is still reading the photos; edit the rows when it has finished.")
    return locked


def _shown(finding: Finding, name: str) -> str:
    value = getattr(finding, name)
    if name == "equipment":
        return value.tag if value else ""
    if name == "reading_value":
        return format_value(value)
    if name == "photo_index":
        return "" if value is None else str(value + 1)
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _summary(finding: Finding) -> str:
    parts = [finding.label, finding.get_status_display(), finding.anomaly, finding.action]
    if finding.reading_value is not None:
        parts.append(f"{format_value(finding.reading_value)} {finding.reading_unit}".strip())
    return "; ".join(p for p in parts if p)


def _record(inspection: Inspection, user: Any, action: str, finding: Finding | None = None, **change: str) -> None:
    ReportChange.objects.create(
        inspection=inspection,
        finding=finding if finding is not None and finding.pk else None,
        row=str(finding)[:200] if finding is not None else "",
        user=user,
        action=action,
        **change,
    )


def _validate(changes: dict[str, Any], photo_count: int) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    index = changes.get("photo_index")
    if index is not None and not 0 <= index < photo_count:
        raise InvalidInput(f"This report has {photo_count} photo(s); there is no photo {index + 1}.")


def finding_update(*, finding: Finding, user: Any, changes: dict[str, Any]) -> Finding:
    """Edit a row; each changed field is recorded (who, when, old, new). A new reading or tag is checked again."""
    with transaction.atomic():
        inspection = _editable(finding.inspection)
        photos = report_photos(inspection)
        _validate(changes, len(photos))
        before = {name: _shown(finding, name) for name in AUDITED_FIELDS}
        for name, value in changes.items():
            setattr(finding, name, value)
        if "tag" in changes:
            finding.equipment = _match(inspection.site, finding.tag)
        recheck = bool(RECHECK_FIELDS & changes.keys()) and "status" not in changes
        _apply_checks(finding, photos, recheck_status=recheck)
        finding.save()
        for name in AUDITED_FIELDS:
            after = _shown(finding, name)
            if after != before[name]:
                _record(inspection, user, ChangeAction.EDITED, finding, field=name, old=before[name], new=after)
    return finding


def finding_add(*, inspection: Inspection, user: Any, values: dict[str, Any]) -> Finding:
    """A row the model missed, written by the inspector; its reading is checked like any other."""
    with transaction.atomic():
        inspection = _editable(inspection)
        photos = report_photos(inspection)
        _validate(values, len(photos))
        finding = Finding(inspection=inspection, position=_next_position(inspection))
        finding.source = FindingSource.INSPECTOR
        for name, value in values.items():
            setattr(finding, name, value)
        finding.equipment = _match(inspection.site, finding.tag)
        _apply_checks(finding, photos, recheck_status="status" not in values)
        finding.save()
        _record(inspection, user, ChangeAction.ADDED, finding, new=_summary(finding))
    return finding


def finding_delete(*, finding: Finding, user: Any) -> None:
    with transaction.atomic():
        inspection = _editable(finding.inspection)
        _record(inspection, user, ChangeAction.DELETED, finding, old=_summary(finding))
        finding.delete()


def inspection_approve(*, inspection: Inspection, user: Any) -> Inspection:
    """Approve and lock the report: from now on, changes need a new revision."""
    with transaction.atomic():
        locked = _editable(inspection)
        locked.approved_by, locked.approved_at = user, timezone.now()
        locked.save(update_fields=["approved_by", "approved_at", "updated_at"])
        _record(locked, user, ChangeAction.APPROVED, new=f"revision {locked.revision}")
    return locked


def inspection_revise(*, inspection: Inspection, user: Any) -> Inspection:
    """A new, editable revision of an approved report: same photos, a copy of its rows; the approved one stays."""
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(id=inspection.id)
        if not locked.is_approved:
            raise Conflict("Only an approved report needs a new revision; this one can still be edited.")
        draft = locked.revisions.filter(approved_at__isnull=True).first()
        if draft is not None:
            raise Conflict(f"Revision {draft.revision} is already open.", details={"inspection": draft.id})
        revision = Inspection.objects.create(
            team=locked.team,
            site=locked.site,
            inspector=locked.inspector,
            date=locked.date,
            note=locked.note,
            revision=locked.revision + 1,
            revision_of=locked,
        )
        InspectionPhoto.objects.bulk_create(
            InspectionPhoto(inspection=revision, photo_id=link.photo_id, position=link.position)
            for link in InspectionPhoto.objects.filter(inspection=locked)
        )
        copies = list(locked.findings.all())
        for finding in copies:
            finding.pk, finding.inspection = None, revision
        Finding.objects.bulk_create(copies)
        _record(locked, user, ChangeAction.REVISED, new=f"revision {revision.revision}")
        _record(
            revision, user, ChangeAction.REVISED, old=f"revision {locked.revision}", new=f"revision {revision.revision}"
        )
    return revision
