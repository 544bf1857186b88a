"""Photos the engine already holds are sent as their uuid alone; when it no longer has one, the bytes go again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.intake import resize_for_budget
from inference.client import EngineClient
from inference.image_refs import MISSES_BEFORE_GIVING_UP, SentImages
from inference.protocol import ChatRequest, ImageInput, Message, Sampling
from tests.images import jpeg_bytes


def request_with(*images: ImageInput) -> ChatRequest:
    message = Message("user", (*images, "What is shown?"))
    return ChatRequest(messages=(Message("system", ("Be brief.",)), message), max_tokens=4, sampling=Sampling(seed=1))


def wire(*uuids: str) -> dict[str, Any]:
    parts = [{"type": "image_url", "image_url": {"url": "data:..."}, "uuid": u} for u in uuids]
    return {"model": "m", "messages": [{"role": "user", "content": [*parts, {"type": "text", "text": "q"}]}]}


def test_an_image_sent_before_goes_as_its_reference_and_a_new_one_with_its_bytes():
    sent = SentImages()
    sent.accepted(request_with(ImageInput(b"x", uuid="known")), by_reference=False)
    parts = sent.slim(wire("known", "new"))["messages"][0]["content"]
    assert parts[0] == {"type": "image_url", "image_url": None, "uuid": "known"}
    assert parts[1]["image_url"] == {"url": "data:..."}


def test_nothing_known_leaves_the_request_as_it_is():
    body = wire("a")
    assert SentImages().slim(body) is body


def test_after_repeated_refusals_references_are_no_longer_tried():
    sent = SentImages()
    for _ in range(MISSES_BEFORE_GIVING_UP):
        sent.accepted(request_with(ImageInput(b"x", uuid="known")), by_reference=False)
        sent.missed()
    body = wire("known")
    assert sent.slim(body) is body and not sent.enabled


@pytest.fixture
def photo() -> ImageInput:
    """A photo the engine has never been sent (a fresh uuid each time)."""
    data, _, _ = resize_for_budget(data=jpeg_bytes(320, 240, seed=404), max_tokens=256)
    return ImageInput(data=data, uuid=f"ref-test-{uuid.uuid4().hex}")


@pytest.mark.engine
async def test_the_engine_answers_a_request_that_refers_to_a_photo_it_holds(engine, photo, monkeypatch):
    client = EngineClient(engine.url)
    bodies: list[dict[str, Any]] = []
    opened = client._open_stream

    async def spy(body: dict[str, Any]) -> Any:
        bodies.append(body)
        return await opened(body)

    monkeypatch.setattr(client, "_open_stream", spy)
    await client.complete(request_with(photo))
    result = await client.complete(request_with(photo))
    await client.close()
    assert result.finish_reason is not None
    assert bodies[1]["messages"][1]["content"][0] == {"type": "image_url", "image_url": None, "uuid": photo.uuid}


@pytest.mark.engine
async def test_when_the_engine_lost_the_photo_the_bytes_are_sent_again(engine, photo):
    client = EngineClient(engine.url)
    client._sent_images.accepted(request_with(photo), by_reference=False)  # we believe the engine has it: it has not
    result = await client.complete(request_with(photo))
    await client.close()
    assert result.finish_reason is not None and client._sent_images._misses_in_a_row == 1
