"""Both runs against the real engine (the tiny model): schema-valid answers that become steps and an explanation.

The tiny model writes gibberish, so these tests check what the code does with whatever valid answer comes back.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from jsonschema import Draft202012Validator

from core.models import RunStatus
from tests.fixtures.runs import apply, connect, read_until_final

from ..models import Submission
from ..schemas import EXPLAIN_TASK, EXPLANATION_SCHEMA, TRANSCRIPTION_SCHEMA
from .factories import make_submission

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def load(submission_id: int) -> Submission:
    submission = Submission.objects.select_related("transcribe_run", "explain_run", "wrong_step").get(id=submission_id)
    submission.step_list = list(submission.steps.all())
    return submission


async def watch(user, run_id) -> tuple[list[dict], str]:
    ws = await connect(user, run_id)
    messages = await read_until_final(ws, timeout=180)
    await ws.disconnect()
    text = ""
    for message in messages:
        text = apply(text, message)
    return messages, text


def expected_steps(result: dict) -> list[dict]:
    return [s for s in result["steps"] if s["text"].strip() or s["latex"].strip()]


async def test_a_photo_is_read_into_steps_then_explained_with_a_checked_wrong_step(live_executor, owner):
    submission = await database_sync_to_async(make_submission)(owner, pages=2)

    messages, text = await watch(owner, submission.transcribe_run_id)
    assert messages[-1]["type"] == "done", messages[-1]
    submission = await database_sync_to_async(load)(submission.id)
    transcription = submission.transcribe_run
    assert transcription.status == RunStatus.DONE and text == transcription.text
    assert not list(Draft202012Validator(TRANSCRIPTION_SCHEMA).iter_errors(transcription.result))
    written = expected_steps(transcription.result)
    assert [s.position for s in submission.step_list] == list(range(1, len(written) + 1))
    for step, raw in zip(submission.step_list, written, strict=True):
        assert step.latex == raw["latex"].strip() and step.crossed_out == raw["crossed_out"]
        assert 1 <= step.page <= 2
        assert step.bbox is None or (
            0 <= step.bbox[0] < step.bbox[2] <= 1000 and 0 <= step.bbox[1] < step.bbox[3] <= 1000
        )
    assert submission.explain_run is not None and submission.explain_run.task == EXPLAIN_TASK

    messages, text = await watch(owner, submission.explain_run_id)
    assert messages[-1]["type"] == "done", messages[-1]
    assert sum(m["type"] == "delta" for m in messages) >= 2, "the explanation streams in pieces"
    submission = await database_sync_to_async(load)(submission.id)
    result = submission.explain_run.result
    assert not list(Draft202012Validator(EXPLANATION_SCHEMA).iter_errors(result))
    assert submission.explained and submission.state == "review"
    named = result["first_wrong_step"]
    usable = [s.position for s in submission.step_list if not s.crossed_out]
    if named in usable:
        assert submission.wrong_step.position == named and not submission.no_error_found
    else:
        assert submission.wrong_step is None and submission.no_error_found
    assert submission.read_aloud == result["read_aloud"].strip()
