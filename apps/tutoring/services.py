"""Writes: classes, students, submissions, and what the two runs' answers become (steps and an explanation)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import AppError, Conflict, InvalidInput
from core.models import Photo, Run, Team
from core.run_hooks import on_run_done
from core.services.runs import run_create

from .models import LANGUAGE_NAMES, Classroom, Language, Step, Student, Subject, Submission
from .schemas import EXPLAIN_TASK, MAX_PAGES, MISTAKE_TYPES, TRANSCRIBE_TASK

logger = logging.getLogger(__name__)


def classroom_create(*, user: Any, team: Team, name: str) -> Classroom:
    try:
        with transaction.atomic():
            return Classroom.objects.create(name=name.strip(), team=team, teacher=user)
    except IntegrityError:
        raise Conflict(f"You already have a class named {name.strip()!r}.") from None


def student_create(
    *,
    user: Any,
    team: Team,
    name: str,
    grade_level: int,
    subject: str = Subject.MATH,
    language: str = Language.ENGLISH,
    classroom: Classroom | None = None,
) -> Student:
    return Student.objects.create(
        name=name.strip(),
        grade_level=grade_level,
        subject=subject,
        language=language,
        classroom=classroom,
        team=team,
        teacher=user,
    )


def submission_create(
    *,
    user: Any,
    student: Student,
    photos: list[Photo],
    subject: str = "",
    language: str = "",
    teacher_note: str = "",
) -> Submission:
    """Store the pages and start reading them; the explanation follows by itself when the reading is done."""
    if not photos or len(photos) > MAX_PAGES:
        raise InvalidInput(f"A submission has 1 to {MAX_PAGES} pages.")
    with transaction.atomic():
        submission = Submission.objects.create(
            student=student,
            subject=subject or student.subject,
            language=language or student.language,
            teacher_note=teacher_note.strip(),
            team=student.team,
            teacher=user,
        )
        submission.pages.bulk_create(
            submission.pages.model(submission=submission, photo=p, position=i) for i, p in enumerate(photos, 1)
        )
        submission.transcribe_run = run_create(
            user=user,
            team=student.team,
            task=TRANSCRIBE_TASK,
            photos=photos,
            fields={
                "subject": submission.get_subject_display(),
                "grade_level": str(student.grade_level),
                "page_count": str(len(photos)),
                "teacher_note": submission.teacher_note or "none",
            },
        )
        submission.save(update_fields=["transcribe_run"])
    return submission


# ---- the transcription ------------------------------------------------------------------------------------------
def bbox_checked(raw: Any) -> list[int] | None:
    """A box on the 0-1000 scale with corners in order and some area, else None (never a box off the page)."""
    if not isinstance(raw, list | tuple) or len(raw) != 4:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1000 for v in raw):
        return None
    x1, x2 = sorted((raw[0], raw[2]))
    y1, y2 = sorted((raw[1], raw[3]))
    if x2 - x1 < 1 or y2 - y1 < 1:
        return None
    return [x1, y1, x2, y2]


def _step_from_answer(raw: dict[str, Any], *, page_count: int) -> dict[str, Any] | None:
    text, latex = str(raw.get("text", "")).strip(), str(raw.get("latex", "")).strip()
    if not text and not latex:
        return None
    page = raw.get("page")
    on_a_page = isinstance(page, int) and 1 <= page <= page_count
    return {
        "text": text,
        "latex": latex,
        "crossed_out": bool(raw.get("crossed_out")),
        "page": page if on_a_page else 1,
        "bbox": bbox_checked(raw.get("bbox_2d")) if on_a_page else None,  # a box on a page that is not there
    }


@on_run_done(TRANSCRIBE_TASK)
def transcription_apply(run: Run) -> None:
    """The transcription becomes the submission's steps; then the explanation is started."""
    submission = Submission.objects.filter(transcribe_run=run).first()
    if submission is None:
        return  # a run started outside a submission: nothing to fill in
    result = run.result or {}
    page_count = submission.pages.count()
    rows = [_step_from_answer(raw, page_count=page_count) for raw in result.get("steps", [])]
    submission.steps.all().delete()
    Step.objects.bulk_create(
        Step(submission=submission, position=i, **row) for i, row in enumerate([r for r in rows if r], 1)
    )
    submission.exercise = str(result.get("exercise", "")).strip()
    submission.exercise_latex = str(result.get("exercise_latex", "")).strip()
    _explanation_clear(submission)
    submission.explain_run = None
    submission.start_error = ""
    submission.save()
    transaction.on_commit(lambda: _explanation_start_after_reading(submission.id))


def _explanation_start_after_reading(submission_id: int) -> None:
    submission = Submission.objects.select_related("student").get(id=submission_id)
    try:
        submission_explain(submission=submission)
    except Exception as exc:  # noqa: BLE001 - a failure to start must show on the submission, never be lost
        logger.warning("explanation for submission %s not started: %s", submission_id, exc)
        reason = exc.message if isinstance(exc, AppError) else "the explanation could not be started"
        Submission.objects.filter(id=submission_id).update(start_error=reason[:500])


# ---- the explanation --------------------------------------------------------------------------------------------
def steps_as_text(steps: list[Step]) -> str:
    """The numbered steps as the explanation prompt shows them."""
    if not steps:
        return "(no steps could be read)"
    lines = []
    for step in steps:
        parts = [f"{step.position}. (page {step.page})", step.text]
        if step.latex:
            parts.append(f"[LaTeX: {step.latex}]")
        if step.crossed_out:
            parts.append("(crossed out)")
        lines.append(" ".join(p for p in parts if p))
    return "\n".join(lines)


def submission_explain(*, submission: Submission) -> Submission:
    """Start (or start again, after edits) the explanation of the current transcription."""
    for run in (submission.transcribe_run, submission.explain_run):
        if run is not None and run.is_active:
            raise Conflict("Wait until the running step has finished.")
    exercise = " ".join(p for p in [submission.exercise, submission.exercise_latex] if p) or "(not legible)"
    photos = [page.photo for page in submission.pages.select_related("photo")]
    run = run_create(
        user=submission.teacher,
        team=submission.team,
        task=EXPLAIN_TASK,
        photos=photos,
        fields={
            "subject": submission.get_subject_display(),
            "grade_level": str(submission.student.grade_level),
            "language_name": LANGUAGE_NAMES[Language(submission.language)],
            "teacher_note": submission.teacher_note or "none",
            "exercise": exercise,
            "steps": steps_as_text(list(submission.steps.all())),
        },
    )
    submission.explain_run = run
    submission.start_error = ""
    _explanation_clear(submission)
    submission.save()
    return submission


def _explanation_clear(submission: Submission) -> None:
    submission.explained = False
    submission.approved_at = None
    submission.approved_by = None


def wrong_step_resolve(steps: list[Step], number: Any) -> tuple[Step | None, str]:
    """The step the model (or teacher) named, checked against the steps that exist; else none, with the reason."""
    if not isinstance(number, int) or isinstance(number, bool) or number == 0:
        return None, ""
    by_position = {step.position: step for step in steps}
    step = by_position.get(number)
    if step is None:
        return None, f"step {number} was named, but the work has {len(steps)} step(s)"
    if step.crossed_out:
        return None, f"step {number} was named, but it is crossed out"
    return step, ""


def _mark_wrong_step(submission: Submission, number: Any) -> None:
    step, note = wrong_step_resolve(list(submission.steps.all()), number)
    submission.wrong_step = step
    submission.no_error_found = step is None
    submission.wrong_step_note = note[:300]


def _correct_steps(raw: Any) -> list[dict[str, str]]:
    items = raw if isinstance(raw, list) else []
    rows = [{"text": str(i.get("text", "")).strip(), "latex": str(i.get("latex", "")).strip()} for i in items]
    return [r for r in rows if r["text"] or r["latex"]]


@on_run_done(EXPLAIN_TASK)
def explanation_apply(run: Run) -> None:
    submission = Submission.objects.filter(explain_run=run).first()
    if submission is None:
        return  # superseded by a newer explanation, or a run outside a submission
    result = run.result or {}
    submission.problem_restated = str(result.get("problem_restated", "")).strip()
    _mark_wrong_step(submission, result.get("first_wrong_step"))
    submission.why_wrong = "" if submission.no_error_found else str(result.get("why_wrong", "")).strip()
    mistake = result.get("mistake_type")
    submission.mistake_type = "none" if submission.no_error_found or mistake not in MISTAKE_TYPES else mistake
    submission.correct_steps = _correct_steps(result.get("correct_steps"))
    submission.explanation = str(result.get("explanation", "")).strip()
    submission.read_aloud = str(result.get("read_aloud", "")).strip()
    submission.explained = True
    submission.save()


# ---- the teacher's edits and approval ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionEdit:
    """What a teacher changed; None leaves a field as it is. wrong_step: a step number, 0 for "no error"."""

    exercise: str | None = None
    exercise_latex: str | None = None
    steps: list[dict[str, Any]] | None = None
    wrong_step: int | None = None
    problem_restated: str | None = None
    why_wrong: str | None = None
    mistake_type: str | None = None
    correct_steps: list[dict[str, str]] | None = None
    explanation: str | None = None
    read_aloud: str | None = None


TEXT_FIELDS = ["exercise", "exercise_latex", "problem_restated", "why_wrong", "explanation", "read_aloud"]


def _steps_replace(submission: Submission, rows: list[dict[str, Any]]) -> int | None:
    """Replace the steps, keeping each kept step's box; returns the new number of the step marked wrong, if kept."""
    old = {step.id: step for step in submission.steps.all()}
    page_count = submission.pages.count()
    wrong_id = submission.wrong_step_id
    new_wrong: int | None = None
    new_steps = []
    for position, row in enumerate(rows, 1):
        kept = old.get(row.get("id") or 0)
        page = row.get("page") or (kept.page if kept else 1)
        if not 1 <= page <= page_count:
            raise InvalidInput(f"Step {position} is on page {page}, but the submission has {page_count} page(s).")
        if row.get("bbox_2d") is not None:
            bbox = bbox_checked(row["bbox_2d"])
        else:
            bbox = kept.bbox if kept is not None and kept.page == page else None  # a moved step loses its box
        if kept is not None and kept.id == wrong_id:
            new_wrong = position
        new_steps.append(
            Step(
                submission=submission,
                position=position,
                page=page,
                text=row.get("text", "").strip(),
                latex=row.get("latex", "").strip(),
                crossed_out=bool(row.get("crossed_out")),
                bbox=bbox,
            )
        )
    submission.steps.all().delete()
    Step.objects.bulk_create(new_steps)
    return new_wrong


def _wrong_step_set_by_teacher(submission: Submission, number: int) -> None:
    step, reason = wrong_step_resolve(list(submission.steps.all()), number)
    if number != 0 and step is None:
        raise InvalidInput(f"The wrong step cannot be marked: {reason}.")
    submission.wrong_step = step
    submission.no_error_found = step is None
    submission.wrong_step_note = ""
    if step is None:
        submission.mistake_type = "none"


def submission_update(*, submission: Submission, user: Any, edit: SubmissionEdit) -> Submission:
    """Apply a teacher's corrections. An approved submission goes back to review: it must be approved again."""
    for run in (submission.transcribe_run, submission.explain_run):
        if run is not None and run.is_active:
            raise Conflict("Wait until the running step has finished before editing.")
    if edit.mistake_type is not None and edit.mistake_type not in MISTAKE_TYPES:
        raise InvalidInput(f"Unknown mistake type {edit.mistake_type!r}.")
    with transaction.atomic():
        wrong_step = edit.wrong_step
        if edit.steps is not None:
            kept_wrong = _steps_replace(submission, edit.steps)
            if wrong_step is None:
                wrong_step = kept_wrong or 0
        if wrong_step is not None:
            _wrong_step_set_by_teacher(submission, wrong_step)
        for name in TEXT_FIELDS:
            value = getattr(edit, name)
            if value is not None:
                setattr(submission, name, value.strip())
        if edit.mistake_type is not None:
            submission.mistake_type = edit.mistake_type
        if edit.correct_steps is not None:
            submission.correct_steps = _correct_steps(edit.correct_steps)
        submission.edited_at = timezone.now()
        submission.approved_at = None
        submission.approved_by = None
        submission.save()
    return submission


def submission_approve(*, submission: Submission, user: Any) -> Submission:
    if not submission.explained:
        raise Conflict("There is no explanation to approve yet.")
    submission.approved_at = timezone.now()
    submission.approved_by = user
    submission.save(update_fields=["approved_at", "approved_by"])
    return submission
