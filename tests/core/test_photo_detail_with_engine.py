"""The photo detail control reaches the engine: an overview sends far fewer visual tokens than full detail."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from core.models import RunStatus
from core.selectors import user_team
from core.services.photos import photo_upload
from core.services.runs import run_create
from tests.conversations.engine_helpers import finished
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def ask(user, photo, image_tokens):
    return run_create(
        user=user,
        team=user_team(user),
        task="describe",
        photos=[photo],
        fields={"question": "What is shown?"},
        max_tokens=8,
        image_tokens=image_tokens,
    )


async def test_an_overview_sends_fewer_visual_tokens_than_full_detail(live_executor, owner):
    def both():
        photo = photo_upload(user=owner, team=user_team(owner), filename="hall.jpg", data=jpeg_bytes(1920, 1080))
        return ask(owner, photo, 256), ask(owner, photo, None)

    overview, full = await database_sync_to_async(both)()
    overview, full = await finished(overview), await finished(full)
    assert overview.status == full.status == RunStatus.DONE, (overview.error, full.error)
    # The same photo and question: the prompts differ by the photo's tokens alone (full: up to 1024, overview 256).
    assert overview.prompt_tokens + 400 < full.prompt_tokens, (overview.prompt_tokens, full.prompt_tokens)
