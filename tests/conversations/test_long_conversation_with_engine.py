"""Twelve real turns with photos on the engine: the last turn still sends at most three photos, and the prompt
stops growing once the photo window and the history window are full."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync

from core import run_state
from core.models import RunStatus
from core.selectors import user_team
from core.services.conversations import conversation_ask, conversation_start
from core.services.runs import run_create
from inference.pixel_budget import image_tokens
from inference.protocol import ImageInput
from tests.conversations.builders import photo_for
from tests.conversations.engine_helpers import finished

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]

SAMPLING = {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "presence_penalty": 0.0}


def origin_run(owner):
    photo = photo_for(owner, 100)
    return run_create(
        user=owner,
        team=user_team(owner),
        task="describe",
        photos=[photo],
        fields={"question": "What is this?"},
        max_tokens=16,
    )


def last_request(run):
    run.photo_list = list(run.photos.order_by("runphoto__position"))
    return run_state.build_request(run)


async def test_twelve_turns_with_photos_keep_the_request_bounded(live_executor, owner):
    conversation, _ = await sync(conversation_start)(user=owner, run=await finished(await sync(origin_run)(owner)))
    prompt_tokens = {}
    for i in range(1, 13):
        photos = [await sync(photo_for)(owner, 100 + i)] if i % 2 else []
        turn = await sync(conversation_ask)(
            user=owner, conversation=conversation, question=f"Turn {i}: what changed?", photos=photos,
            max_tokens=16, sampling=SAMPLING,
        )  # fmt: skip
        run = await finished(turn.run)
        assert run.status == RunStatus.DONE, run.error
        prompt_tokens[i] = run.prompt_tokens

    request = await sync(last_request)(run)
    images = [p for m in request.messages for p in m.parts if isinstance(p, ImageInput)]
    assert len(images) == 3 and len(run.photo_list) == 3  # type: ignore[attr-defined]
    text = "\n".join(m.text for m in request.messages)
    assert "[photo 1: " in text and "[photo 2: " in text, "older photos are named by their descriptions"

    per_image = image_tokens(640, 480)
    assert prompt_tokens[12] < 3 * per_image + 1200, prompt_tokens
    assert prompt_tokens[12] <= prompt_tokens[6] * 1.25, prompt_tokens
