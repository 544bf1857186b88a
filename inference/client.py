"""The one place that talks to the engine: vLLM's OpenAI-compatible API through the `openai` package."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx
import httpx2  # the transport the openai package is built on
import openai
from jsonschema import Draft202012Validator

from inference.errors import (
    BadRequest,
    EngineError,
    EngineOverloaded,
    EngineTimeout,
    EngineUnavailable,
    InvalidOutput,
)
from inference.image_refs import SentImages
from inference.protocol import (
    ChatRequest,
    ChatResult,
    Finished,
    ImageInput,
    Message,
    StreamEvent,
    TextDelta,
    Usage,
)

CONNECT_RETRIES = 2  # a connection error before the first token is retried; after it, never (tokens were shown)
# The engine sends the first token at once, then every few: browsers get text in 30-50 ms batches anyway, and each
# chunk costs the engine's front end and this app a parse. Measured on the standard mix through the app (12 sessions,
# CPU): 180 ms of web-process CPU per run at 1 token a chunk, 165 at 2, 155 at 4, 139 at 8.
STREAM_EVERY_TOKENS = 4


# A model with nonsense weights, or a prompt that provokes it, can emit NUL. No reader wants one, and PostgreSQL
# refuses to store one in a text or JSON column: it is shown and kept as the replacement character instead.
NUL, REPLACEMENT = "\x00", "\ufffd"


def without_nul(text: str) -> str:
    return text.replace(NUL, REPLACEMENT) if NUL in text else text


def _without_nul_anywhere(value: Any) -> Any:
    """A parsed answer with NUL (from a \\u0000 escape) replaced in every string, keys included."""
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, list):
        return [_without_nul_anywhere(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): _without_nul_anywhere(item) for key, item in value.items()}
    return value


def parse_structured(text: str, schema: dict[str, Any]) -> Any:
    """Parse and validate a structured answer. Raw control characters inside strings are tolerated."""
    try:
        value = _without_nul_anywhere(json.loads(text, strict=False))
    except json.JSONDecodeError as exc:
        raise InvalidOutput(
            f"the model's answer is not valid JSON ({exc.msg} at character {exc.pos})", raw=text
        ) from None
    errors = sorted(Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the top level"
        raise InvalidOutput(f"the model's answer does not match the schema at {where}: {first.message}", raw=text)
    return value


def _image_part(image: ImageInput) -> dict[str, Any]:
    data_url = f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"
    return {"type": "image_url", "image_url": {"url": data_url}, "uuid": image.uuid}


def _wire_message(message: Message) -> dict[str, Any]:
    if all(isinstance(p, str) for p in message.parts):
        return {"role": message.role, "content": message.text}
    content = [_image_part(p) if isinstance(p, ImageInput) else {"type": "text", "text": p} for p in message.parts]
    return {"role": message.role, "content": content}


def _request_body(request: ChatRequest, model: str) -> dict[str, Any]:
    sampling = request.sampling
    extra: dict[str, Any] = {
        "top_k": sampling.top_k,
        "priority": request.priority,
        "stream_interval": STREAM_EVERY_TOKENS,
    }
    if request.ignore_eos:
        extra["ignore_eos"] = True
    body: dict[str, Any] = {
        "model": model,
        "messages": [_wire_message(m) for m in request.messages],
        "max_tokens": request.max_tokens,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "presence_penalty": sampling.presence_penalty,
        "stream": True,
        "stream_options": {"include_usage": True},
        "extra_body": extra,
    }
    if sampling.seed is not None:
        body["seed"] = sampling.seed
    if request.schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": request.schema_name, "schema": request.schema},
        }
    if request.request_id:
        body["extra_headers"] = {"X-Request-Id": request.request_id}
    return body


def _typed_error(exc: Exception) -> EngineError:
    if isinstance(exc, openai.APITimeoutError):
        return EngineTimeout("the engine did not answer in time", detail=str(exc))
    if isinstance(exc, openai.APIConnectionError):
        return EngineUnavailable("the engine cannot be reached", detail=str(exc))
    if isinstance(exc, openai.RateLimitError) or (isinstance(exc, openai.APIStatusError) and exc.status_code == 503):
        return EngineOverloaded("the engine is busy; try again in a moment", detail=str(exc))
    if isinstance(exc, openai.APIStatusError) and 400 <= exc.status_code < 500:
        return BadRequest(f"the engine refused the request: {_engine_message(exc)}", detail=str(exc))
    if isinstance(exc, openai.APIStatusError):
        return EngineError(f"the engine failed ({exc.status_code}): {_engine_message(exc)}", detail=str(exc))
    if isinstance(exc, (httpx.TimeoutException, httpx2.TimeoutException, TimeoutError)):
        return EngineTimeout("the engine did not answer in time", detail=str(exc))
    if isinstance(exc, (httpx.HTTPError, httpx2.HTTPError, ConnectionError, asyncio.IncompleteReadError)):
        return EngineUnavailable("the connection to the engine broke", detail=str(exc))
    return EngineError(f"unexpected engine error: {exc}", detail=repr(exc))


def _engine_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:500]
    return exc.message[:500]


class EngineChunks:
    """The engine's streamed chunks as plain dicts. The request still goes through the openai package (auth,
    timeouts, status errors); only the per-token parsing is ours: building a typed object for every token cost more
    CPU than everything else the app does for a run."""

    def __init__(self, manager: Any) -> None:
        self._manager = manager
        self._response: Any = None

    async def open(self) -> EngineChunks:
        self._response = await self._manager.__aenter__()
        return self

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        async for line in self._response.iter_lines():
            if not line.startswith("data:"):
                continue  # blank separators and comments
            data = line[5:].strip()
            if data == "[DONE]":
                return
            try:
                chunk = json.loads(data)
            except json.JSONDecodeError:
                chunk = None
            if not isinstance(chunk, dict):
                raise EngineError("the engine sent a chunk that is not a JSON object", detail=data[:500])
            if chunk.get("error"):
                error = chunk["error"]
                message = error.get("message") if isinstance(error, dict) else str(error)
                raise EngineError(f"the engine failed in the middle of the answer: {message}"[:500], detail=data[:500])
            yield chunk

    async def close(self) -> None:
        if self._response is not None:
            await self._manager.__aexit__(None, None, None)
            self._response = None


class EngineClient:
    """Async client for one engine. Cheap to keep for the life of the process; safe to share between tasks."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        api_key: str = "",
        timeout_s: float = 300.0,
        connect_timeout_s: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._model = model
        self._sent_images = SentImages()
        self._openai = openai.AsyncOpenAI(
            base_url=self.base_url,
            api_key=api_key or "unused",
            max_retries=0,
            timeout=httpx2.Timeout(timeout_s, connect=connect_timeout_s),
        )

    async def model(self) -> str:
        """The served model's name; asked once, then remembered."""
        if self._model is None:
            try:
                models = await self._openai.models.list()
            except Exception as exc:  # noqa: BLE001 - every failure becomes a typed error
                raise _typed_error(exc) from exc
            if not models.data:
                raise EngineUnavailable("the engine serves no model")
            self._model = models.data[0].id
        return self._model

    async def healthy(self) -> bool:
        root = self.base_url.removesuffix("/v1")
        try:
            async with httpx.AsyncClient(timeout=3.0) as client:
                response = await client.get(f"{root}/health")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """Yield text deltas as they arrive, then one `Finished` with usage, timings and the parsed value."""
        body = _request_body(request, await self.model())
        started = time.perf_counter()
        chunks = await self._open_sending_known_images_by_reference(body, request)
        first_token_at: float | None = None
        parts: list[str] = []
        finish_reason: str | None = None
        usage = Usage()
        try:
            async for chunk in chunks:
                if chunk.get("usage"):
                    usage = _usage(chunk["usage"])
                for choice in chunk.get("choices") or ():
                    if choice.get("finish_reason"):
                        finish_reason = choice["finish_reason"]
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        text = without_nul(text)
                        if first_token_at is None:
                            first_token_at = time.perf_counter()
                        parts.append(text)
                        yield TextDelta(text)
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - the stream broke after tokens were shown: not retried
            error = _typed_error(exc)
            if type(error) is EngineUnavailable:  # a timeout stays a timeout
                error = EngineUnavailable("the engine stopped in the middle of the answer", detail=error.detail)
            raise error from exc
        finally:
            await chunks.close()
        text = "".join(parts)
        if finish_reason is None:
            raise EngineUnavailable("the engine ended the answer without finishing it")
        parsed = parse_structured(text, request.schema) if request.schema is not None else None
        yield Finished(
            ChatResult(
                text=text,
                finish_reason=finish_reason,
                usage=usage,
                ttft_s=None if first_token_at is None else first_token_at - started,
                latency_s=time.perf_counter() - started,
                parsed=parsed,
            )
        )

    async def complete(self, request: ChatRequest) -> ChatResult:
        """The whole answer at once (still streamed underneath, so TTFT is measured)."""
        async for event in self.stream(request):
            if isinstance(event, Finished):
                return event.result
        raise EngineUnavailable("the engine ended the answer without finishing it")

    async def _open_sending_known_images_by_reference(self, body: dict[str, Any], request: ChatRequest) -> Any:
        slim = self._sent_images.slim(body)
        by_reference = slim is not body
        try:
            chunks = await self._open_stream(slim)
        except BadRequest:
            if not by_reference:
                raise
            chunks = await self._open_stream(body)  # nothing was streamed: send the bytes this time
            self._sent_images.missed()  # that worked, so a reference was the trouble
            by_reference = False
        self._sent_images.accepted(request, by_reference=by_reference)
        return chunks

    async def _open_stream(self, body: dict[str, Any]) -> Any:
        for attempt in range(CONNECT_RETRIES + 1):
            try:
                return await EngineChunks(self._openai.chat.completions.with_streaming_response.create(**body)).open()
            except openai.APIConnectionError as exc:
                if attempt == CONNECT_RETRIES or isinstance(exc, openai.APITimeoutError):
                    raise _typed_error(exc) from exc
                await asyncio.sleep(0.2 * 2**attempt)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a typed error
                raise _typed_error(exc) from exc
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self._openai.close()


def _usage(raw: dict[str, Any]) -> Usage:
    details = raw.get("prompt_tokens_details") or {}
    return Usage(
        prompt_tokens=raw.get("prompt_tokens") or 0,
        completion_tokens=raw.get("completion_tokens") or 0,
        cached_tokens=details.get("cached_tokens") or 0,
    )
