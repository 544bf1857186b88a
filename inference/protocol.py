"""Request and result shapes shared by the client, the prompt templates and their callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ImageInput:
    """A photo already resized to the task's pixel budget. `uuid` lets the engine reuse its processing of it."""

    data: bytes
    uuid: str
    mime: str = "image/jpeg"


Part = str | ImageInput


@dataclass(frozen=True)
class Message:
    role: Role
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))


@dataclass(frozen=True)
class Sampling:
    """Qwen3-VL Instruct's recommended defaults."""

    temperature: float = 0.7
    top_p: float = 0.8
    top_k: int = 20
    presence_penalty: float = 1.5
    seed: int | None = None


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[Message, ...]
    max_tokens: int
    sampling: Sampling = field(default_factory=Sampling)
    schema: dict[str, Any] | None = None
    schema_name: str = "answer"
    priority: int = 0  # lower runs first (vLLM priority scheduling)
    request_id: str | None = None
    ignore_eos: bool = False


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0


@dataclass(frozen=True)
class ChatResult:
    text: str
    finish_reason: str | None
    usage: Usage
    ttft_s: float | None  # time to first token, seconds
    latency_s: float  # request sent to last token, seconds
    parsed: Any = None  # the validated JSON value when the request had a schema


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Finished:
    result: ChatResult


StreamEvent = TextDelta | Finished
