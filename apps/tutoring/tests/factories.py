"""Tutoring records for tests, and finished runs whose answers the test chooses (the tiny model's are gibberish)."""

from __future__ import annotations

from typing import Any

from core.models import Run, RunStatus
from core.selectors import user_team
from core.services.photos import photo_upload
from tests.images import jpeg_bytes

from ..models import Student, Submission
from ..services import explanation_apply, student_create, submission_create, submission_explain, transcription_apply

TRANSCRIPTION = {
    "exercise": "Solve 2x + 3 = 11.",
    "exercise_latex": "2x + 3 = 11",
    "steps": [
        {
            "page": 1,
            "text": "Subtract 3",
            "latex": "2x = 11 + 3",
            "crossed_out": False,
            "bbox_2d": [100, 200, 600, 260],
        },
        {"page": 1, "text": "Divide by 2", "latex": "x = 7", "crossed_out": False, "bbox_2d": [100, 280, 500, 340]},
        {"page": 1, "text": "", "latex": "x = 4", "crossed_out": True, "bbox_2d": [100, 360, 400, 420]},
    ],
}

EXPLANATION = {
    "problem_restated": "Find x when two x plus three equals eleven.",
    "first_wrong_step": 1,
    "why_wrong": "Moving 3 to the other side changes its sign: 11 - 3.",
    "mistake_type": "sign",
    "correct_steps": [
        {"text": "Subtract 3 from both sides", "latex": "2x = 8"},
        {"text": "Divide by 2", "latex": "x = 4"},
    ],
    "explanation": "When a number moves across the equals sign, do the opposite operation.",
    "read_aloud": "Let's look at the first line together. Three was added, so we take it away from eleven.",
}


def make_student(teacher: Any, *, name: str = "Mia", grade_level: int = 7, language: str = "en") -> Student:
    return student_create(user=teacher, team=user_team(teacher), name=name, grade_level=grade_level, language=language)


def make_submission(teacher: Any, *, student: Student | None = None, pages: int = 1, seed: int = 0) -> Submission:
    student = student or make_student(teacher)
    photos = [
        photo_upload(
            user=teacher, team=user_team(teacher), filename=f"page-{i}.jpg", data=jpeg_bytes(600, 800, seed=seed + i)
        )
        for i in range(pages)
    ]
    return submission_create(user=teacher, student=student, photos=photos)


def finish_run(run: Run, result: dict[str, Any]) -> Run:
    run.result = result
    run.status = RunStatus.DONE
    run.save()
    return run


def transcribed(submission: Submission, result: dict[str, Any] | None = None) -> Submission:
    """The transcription run finished with `result` and its done-handler ran (as core does, in one transaction)."""
    assert submission.transcribe_run is not None
    transcription_apply(finish_run(submission.transcribe_run, result or TRANSCRIPTION))
    submission.refresh_from_db()
    return submission


def explained(submission: Submission, result: dict[str, Any] | None = None) -> Submission:
    """The explanation run was started and finished with `result`."""
    submission_explain(submission=submission)
    assert submission.explain_run is not None
    explanation_apply(finish_run(submission.explain_run, result or EXPLANATION))
    submission.refresh_from_db()
    return submission
