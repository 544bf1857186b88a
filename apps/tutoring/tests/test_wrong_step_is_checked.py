"""The model's "first wrong step" is used only when it names a step that exists and counts; else "no error found"."""

from __future__ import annotations

import pytest

from ..models import SubmissionState
from ..services import explanation_apply, submission_explain
from .factories import EXPLANATION, explained, finish_run, make_submission, transcribed

pytestmark = pytest.mark.django_db


def explain_with(owner, first_wrong_step):
    submission = transcribed(make_submission(owner))
    return explained(submission, {**EXPLANATION, "first_wrong_step": first_wrong_step})


def test_a_step_number_within_the_steps_marks_that_step(owner):
    submission = explain_with(owner, 2)
    assert submission.wrong_step.position == 2 and not submission.no_error_found
    assert submission.mistake_type == "sign" and submission.why_wrong
    assert submission.state == SubmissionState.REVIEW


def test_a_step_number_past_the_last_step_means_no_error_found(owner):
    submission = explain_with(owner, 9)
    assert submission.wrong_step is None and submission.no_error_found
    assert submission.wrong_step_note == "step 9 was named, but the work has 3 step(s)"
    assert submission.mistake_type == "none" and submission.why_wrong == ""


def test_zero_means_every_step_is_correct(owner):
    submission = explain_with(owner, 0)
    assert submission.wrong_step is None and submission.no_error_found and submission.wrong_step_note == ""


def test_a_crossed_out_step_is_not_the_mistake(owner):
    submission = explain_with(owner, 3)
    assert submission.wrong_step is None and submission.no_error_found
    assert "crossed out" in submission.wrong_step_note


def test_the_explanation_texts_and_correct_steps_are_kept(owner):
    submission = explain_with(owner, 1)
    assert submission.problem_restated == EXPLANATION["problem_restated"]
    assert submission.correct_steps == EXPLANATION["correct_steps"]
    assert submission.read_aloud == EXPLANATION["read_aloud"]


def test_an_explanation_for_a_superseded_run_changes_nothing(owner):
    submission = transcribed(make_submission(owner))
    submission_explain(submission=submission)
    old_run = submission.explain_run
    submission.explain_run = None
    submission.save()
    explanation_apply(finish_run(old_run, EXPLANATION))
    submission.refresh_from_db()
    assert not submission.explained and submission.problem_restated == ""
