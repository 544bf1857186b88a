"""What the client makes of the engine's event stream: text, usage and the end, or an error event mid-answer."""

from __future__ import annotations

import pytest

from inference.client import EngineClient, parse_structured
from inference.errors import EngineError
from inference.protocol import ChatRequest, Finished, Message, TextDelta
from tests.reliability.scripted_engine import ScriptedEngine


@pytest.fixture
def scripted():
    engine = ScriptedEngine("The pump is running; the gauge reads 4.2 bar.", piece_chars=5, piece_delay_s=0)
    yield engine
    engine.close()


def request() -> ChatRequest:
    return ChatRequest(messages=(Message(role="user", parts=("What does the gauge read?",)),), max_tokens=64)


async def events(url: str) -> list:
    client = EngineClient(url)
    try:
        return [event async for event in client.stream(request())]
    finally:
        await client.close()


async def test_the_text_arrives_in_pieces_and_ends_with_usage(scripted):
    received = await events(scripted.url)
    deltas, final = received[:-1], received[-1]
    assert all(isinstance(d, TextDelta) for d in deltas) and len(deltas) == -(-len(scripted.answer) // 5)
    assert isinstance(final, Finished)
    assert final.result.text == "".join(d.text for d in deltas) == scripted.answer
    assert final.result.finish_reason == "stop"
    assert final.result.usage.prompt_tokens == 10 and final.result.usage.completion_tokens == len(deltas)


async def test_an_error_event_in_the_middle_fails_with_the_engines_reason(scripted):
    scripted.error_after_pieces = 3
    with pytest.raises(EngineError, match="in the middle of the answer: scripted failure"):
        await events(scripted.url)


async def test_a_line_that_is_not_json_fails_with_a_clear_reason(scripted):
    scripted.error_after_pieces = 2
    scripted.error_line = b"data: <html>proxy error</html>"
    with pytest.raises(EngineError, match="not a JSON object"):
        await events(scripted.url)


async def test_nul_in_the_models_text_reaches_no_one():
    engine = ScriptedEngine("gauge\x00 reads\x004.2 bar", piece_chars=3, piece_delay_s=0)
    try:
        received = await events(engine.url)
    finally:
        engine.close()
    deltas, final = received[:-1], received[-1]
    assert not any("\x00" in d.text for d in deltas)
    assert final.result.text == "gauge\ufffd reads\ufffd4.2 bar"


def test_nul_escaped_in_a_structured_answer_is_replaced_in_every_string():
    schema = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    parsed = parse_structured('{"valve\\u0000": ["open\\u0000", "shut"]}', schema)
    assert parsed == {"valve\ufffd": ["open\ufffd", "shut"]}
