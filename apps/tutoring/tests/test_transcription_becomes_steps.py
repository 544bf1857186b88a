"""A finished transcription becomes the submission's steps, checked, and the explanation starts by itself."""

from __future__ import annotations

import pytest

from core.run_executor import executor

from ..models import SubmissionState
from ..schemas import EXPLAIN_TASK
from .factories import TRANSCRIPTION, make_submission, transcribed

pytestmark = pytest.mark.django_db


def step(**changes):
    return {"page": 1, "text": "a line", "latex": "", "crossed_out": False, "bbox_2d": [10, 10, 500, 60], **changes}


def test_each_written_line_becomes_a_numbered_step_with_its_box(owner):
    submission = transcribed(make_submission(owner))
    steps = list(submission.steps.all())
    assert [s.position for s in steps] == [1, 2, 3]
    assert [s.latex for s in steps] == ["2x = 11 + 3", "x = 7", "x = 4"]
    assert steps[0].bbox == [100, 200, 600, 260] and steps[0].page == 1
    assert [s.crossed_out for s in steps] == [False, False, True]
    assert submission.exercise == TRANSCRIPTION["exercise"] and submission.exercise_latex == "2x + 3 = 11"


def test_a_box_with_corners_swapped_is_put_in_order(owner):
    submission = transcribed(make_submission(owner), {**TRANSCRIPTION, "steps": [step(bbox_2d=[500, 60, 10, 10])]})
    assert submission.steps.get().bbox == [10, 10, 500, 60]


def test_a_box_without_area_is_dropped(owner):
    submission = transcribed(make_submission(owner), {**TRANSCRIPTION, "steps": [step(bbox_2d=[300, 40, 300, 90])]})
    assert submission.steps.get().bbox is None


def test_a_step_on_a_page_that_does_not_exist_goes_on_page_one_without_a_box(owner):
    submission = transcribed(make_submission(owner, pages=2), {**TRANSCRIPTION, "steps": [step(page=2), step(page=4)]})
    first, second = submission.steps.all()
    assert (first.page, first.bbox) == (2, [10, 10, 500, 60])
    assert (second.page, second.bbox) == (1, None)


def test_empty_lines_are_skipped_and_the_rest_numbered_without_gaps(owner):
    rows = [step(text="one"), step(text=" ", latex=""), step(text="three")]
    submission = transcribed(make_submission(owner), {**TRANSCRIPTION, "steps": rows})
    assert [(s.position, s.text) for s in submission.steps.all()] == [(1, "one"), (2, "three")]


def test_the_explanation_starts_once_the_transcription_is_committed(owner, django_capture_on_commit_callbacks):
    submission = make_submission(owner)
    with django_capture_on_commit_callbacks(execute=True):
        submission = transcribed(submission)
    submission.refresh_from_db()
    run = submission.explain_run
    assert run is not None and run.task == EXPLAIN_TASK and run.created_by == owner
    fields = run.params["fields"]
    assert "1. (page 1) Subtract 3 [LaTeX: 2x = 11 + 3]" in fields["steps"]
    assert "3. (page 1) [LaTeX: x = 4] (crossed out)" in fields["steps"]
    assert fields["grade_level"] == "7" and fields["language_name"] == "English"
    assert [p.sha256 for p in run.photos.all()] == [p.photo.sha256 for p in submission.pages.all()]
    assert submission.state == SubmissionState.EXPLAINING


def test_a_transcription_without_steps_still_gets_an_explanation(owner, django_capture_on_commit_callbacks):
    submission = make_submission(owner)
    with django_capture_on_commit_callbacks(execute=True):
        transcribed(submission, {"exercise": "", "exercise_latex": "", "steps": []})
    submission.refresh_from_db()
    assert submission.steps.count() == 0
    assert submission.explain_run.params["fields"]["steps"] == "(no steps could be read)"


def test_an_explanation_that_cannot_start_is_shown_as_failed_with_the_reason(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    submission = make_submission(owner)
    monkeypatch.setattr(executor, "has_room", lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        transcribed(submission)
    submission.refresh_from_db()
    assert submission.explain_run is None and submission.state == SubmissionState.FAILED
    assert "busy" in submission.start_error
