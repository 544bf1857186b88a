"""A task template and the registry the apps add theirs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from inference.protocol import ChatRequest, ImageInput, Message, Part, Sampling


@dataclass(frozen=True)
class TaskTemplate:
    """One task the model performs.

    Messages are laid out for the engine's prefix cache: the fixed system prompt first, the photos next, the
    user's words last, so a second question on the same photos reuses everything before the words.
    """

    name: str
    version: int
    system: str
    user: str  # str.format template; the user's own words are values, never part of the template
    max_tokens: int
    image_tokens: int  # pixel budget per photo, in visual tokens (32x32 px each)
    schema: dict[str, Any] | None = None
    sampling: Sampling = field(default_factory=Sampling)
    title: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}@v{self.version}"

    def image_budget(self, asked: int | None) -> int:
        """Visual tokens per photo for a run that asked for `asked` (None: the task's own). A person may ask
        for a lighter look at the photos, never for more than the task was sized for."""
        return min(asked, self.image_tokens) if asked else self.image_tokens

    def messages(self, *, images: Sequence[ImageInput], **fields: Any) -> tuple[Message, ...]:
        parts: list[Part] = [*images, self.user.format(**fields)]
        return (Message("system", (self.system,)), Message("user", tuple(parts)))

    def request(
        self,
        *,
        images: Sequence[ImageInput],
        priority: int = 0,
        max_tokens: int | None = None,
        sampling: Sampling | None = None,
        request_id: str | None = None,
        ignore_eos: bool = False,
        **fields: Any,
    ) -> ChatRequest:
        return ChatRequest(
            messages=self.messages(images=images, **fields),
            max_tokens=max_tokens or self.max_tokens,
            sampling=sampling or self.sampling,
            schema=self.schema,
            schema_name=self.name,
            priority=priority,
            request_id=request_id,
            ignore_eos=ignore_eos,
        )

    def with_changes(self, **changes: Any) -> TaskTemplate:
        return replace(self, **changes)


_registry: dict[str, TaskTemplate] = {}


def register_template(template: TaskTemplate) -> TaskTemplate:
    """Add a template; registering the same name again with another version replaces it (newest wins)."""
    current = _registry.get(template.name)
    if current is None or current.version <= template.version:
        _registry[template.name] = template
    return template


def get_template(name: str) -> TaskTemplate:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no task template named {name!r}; known: {sorted(_registry)}") from None


def registered_templates() -> list[TaskTemplate]:
    return sorted(_registry.values(), key=lambda t: t.name)
